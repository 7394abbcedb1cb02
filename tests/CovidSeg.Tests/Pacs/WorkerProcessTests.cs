using System.Diagnostics;
using System.Text.RegularExpressions;
using CovidSeg.Cli;
using CovidSeg.Pacs;
using CovidSeg.Tests.Inference;

namespace CovidSeg.Tests.Pacs;

/// <summary>
/// The real <c>covidseg worker</c> process: two at once never process a series twice, a worker killed with -9 mid-series
/// leaves a claim the next one takes over, Orthanc stopping and starting again is waited out, SIGTERM exits 143, and
/// the password never reaches the log.
/// </summary>
public class WorkerProcessTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string State(OrthancServer orthanc, string series) => orthanc.Text($"series/{series}/metadata/{WorkerMetadata.State}") ?? "(none)";

    [OrthancFact]
    public void TwoWorkersAtOnceProcessEachOfThreeSeriesExactlyOnce()
    {
        using var orthanc = new OrthancServer();
        var series = new[] { 9, 10, 11 }.Select(seed => Assert.Single(orthanc.Upload(PhantomCtSeries.Write(folder.File($"ct{seed}"), seed)))).ToList();
        orthanc.WaitStable(series);
        string credentials = folder.File("credentials");
        File.WriteAllText(credentials, $"{OrthancServer.User}:{OrthancServer.Password}\n");

        using var a = new WorkerProcess(orthanc, run.RunDirectory, folder.File("a.position"), ["--once", "--worker-id", "worker-a"]);
        using var b = new WorkerProcess(orthanc, run.RunDirectory, folder.File("b.position"), ["--once", "--worker-id", "worker-b"], credentials);
        Assert.Equal(CommandRunner.Success, a.WaitForExit());
        Assert.Equal(CommandRunner.Success, b.WaitForExit());

        string both = a.Output + b.Output;
        foreach (string id in series)
        {
            Assert.Single(Regex.Matches(both, $"series {id}: done in "));
            Assert.StartsWith("done ", State(orthanc, id));
            Assert.Single(orthanc.SegmentationSeriesOf(id));
        }
        Assert.DoesNotContain(OrthancServer.Password, both);
    }

    [OrthancFact]
    public void AWorkerKilledMidSeriesLeavesAClaimTheNextOneTakesOverAndFinishesOnce()
    {
        using var orthanc = new OrthancServer();
        // Large enough that segmenting it takes seconds on one thread, so the kill lands mid-series.
        string series = Assert.Single(orthanc.Upload(PhantomCtSeries.Write(folder.File("ct"), seed: 9, nx: 256, ny: 256, slices: 60)));
        orthanc.WaitStable([series]);

        using (var doomed = new WorkerProcess(orthanc, run.RunDirectory, folder.File("a.position"), ["--once", "--worker-id", "doomed", "--claim-timeout", "4"]))
        {
            var clock = Stopwatch.StartNew();
            while (!State(orthanc, series).StartsWith("claimed by doomed", StringComparison.Ordinal))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"the worker never claimed the series:\n{doomed.Output}");
                Thread.Sleep(20);
            }
            doomed.Signal("KILL");
            Assert.Equal(137, doomed.WaitForExit());
        }
        Assert.StartsWith("claimed by doomed until ", State(orthanc, series));
        Assert.Empty(orthanc.SegmentationSeriesOf(series));

        using var next = new WorkerProcess(orthanc, run.RunDirectory, folder.File("a.position"), ["--once", "--worker-id", "next"]);
        Assert.Equal(CommandRunner.Success, next.WaitForExit());
        Assert.Contains($"series/{series}: took over the stale claim of doomed", next.Output);
        Assert.Single(Regex.Matches(next.Output, $"series {series}: done in "));
        Assert.StartsWith("done ", State(orthanc, series));
        Assert.Single(orthanc.SegmentationSeriesOf(series));
    }

    [OrthancFact]
    public void AWorkerWaitsOutAnOrthancRestartThenExitsWith143OnSigterm()
    {
        using var orthanc = new OrthancServer();
        using var worker = new WorkerProcess(orthanc, run.RunDirectory, folder.File("position"), ["--worker-id", "patient"]);
        worker.WaitFor("worker patient: following");
        orthanc.Stop();
        worker.WaitFor("unreachable");
        Thread.Sleep(1500); // a few more retries while it is down
        orthanc.Start();
        string series = Assert.Single(orthanc.Upload(PhantomCtSeries.Write(folder.File("ct"), seed: 9)));
        worker.WaitFor($"series {series}: done in ");
        Assert.StartsWith("done ", State(orthanc, series)); // logged only once recorded

        worker.Signal("TERM");
        Assert.Equal(CtrlC.TerminatedExitCode, worker.WaitForExit(60));
        Assert.Contains("SIGTERM: abandoning the current series and releasing its claim", worker.Output);
        Assert.Contains("worker patient: stopped by a signal", worker.Output);
        Assert.DoesNotContain(OrthancServer.Password, worker.Output);
    }

    [OrthancFact]
    public void SigtermMidSeriesReleasesTheClaimAndExitsWith143()
    {
        using var orthanc = new OrthancServer();
        string series = Assert.Single(orthanc.Upload(PhantomCtSeries.Write(folder.File("ct"), seed: 9, nx: 256, ny: 256, slices: 60)));
        orthanc.WaitStable([series]);
        using var worker = new WorkerProcess(orthanc, run.RunDirectory, folder.File("position"), ["--worker-id", "stopped"]);
        var clock = Stopwatch.StartNew();
        while (!State(orthanc, series).StartsWith("claimed by stopped", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"the worker never claimed the series:\n{worker.Output}");
            Thread.Sleep(20);
        }
        worker.Signal("TERM");
        Assert.Equal(CtrlC.TerminatedExitCode, worker.WaitForExit(60));
        Assert.Contains($"series {series}: abandoned, claim released", worker.Output);
        Assert.Equal("(none)", State(orthanc, series));
        Assert.Empty(orthanc.SegmentationSeriesOf(series));
        long stable = orthanc.Json("changes?since=0&limit=10000").GetProperty("Changes").EnumerateArray()
            .Single(c => c.GetProperty("ChangeType").GetString() == "StableSeries" && c.GetProperty("ID").GetString() == series).GetProperty("Seq").GetInt64();
        string position = folder.File("position");
        long saved = File.Exists(position) ? long.Parse(File.ReadAllText(position)) : 0;
        Assert.True(saved < stable, $"the feed position {saved} is past the abandoned series' change {stable}");
    }
}
