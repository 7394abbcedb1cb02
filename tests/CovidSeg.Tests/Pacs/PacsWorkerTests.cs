using System.Text.Json;
using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Inference;
using CovidSeg.Pacs;
using CovidSeg.Tests.Imaging.Dicom;
using CovidSeg.Tests.Inference;

namespace CovidSeg.Tests.Pacs;

/// <summary>
/// The worker against a real Orthanc of the test's own (<see cref="OrthancServer"/>, one per test so counts are exact):
/// the SEG it stores equals <c>covidseg predict</c> read back with pydicom, a rerun redoes nothing, a corrupt series is
/// marked failed with its reason while the others are done, and a stale claim of a dead worker is taken over.
/// </summary>
public class PacsWorkerTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>, IDisposable
{
    private readonly TempFolder folder = new();
    private readonly List<string> log = [];

    public void Dispose() => this.folder.Dispose();

    private WorkerSummary RunWorker(OrthancServer orthanc, string positionFile, TimeSpan? claimTimeout = null, string id = "test-worker")
    {
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        using var client = new OrthancClient(orthanc.Url, new OrthancCredentials(OrthancServer.User, OrthancServer.Password), RetryPolicy.Default, Log);
        var options = new WorkerOptions(id, positionFile, Once: true, ClaimTimeout: claimTimeout, PollInterval: TimeSpan.FromMilliseconds(200), BatchSize: 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return new PacsWorker(client, ensemble, options, Log).RunAsync(timeout.Token).GetAwaiter().GetResult();
    }

    private void Log(string line)
    {
        lock (log) log.Add(line);
    }

    private static string State(OrthancServer orthanc, string series) => orthanc.Text($"series/{series}/metadata/{WorkerMetadata.State}") ?? "(none)";

    [OrthancFact]
    public void TheStoredSegmentationEqualsPredictOnTheSameSeriesAndPydicomReadsIt()
    {
        Assert.Null(ExternalTools.ProbePydicom());
        using var orthanc = new OrthancServer();
        string ct = PhantomCtSeries.Write(this.folder.File("ct"), seed: 9);
        string series = Assert.Single(orthanc.Upload(ct));
        orthanc.WaitStable([series]);

        var summary = RunWorker(orthanc, this.folder.File("position"));
        Assert.Equal(new WorkerSummary(1, 0, 0), summary);

        // covidseg predict on the same folder.
        Directory.CreateDirectory(this.folder.File("predict"));
        using (var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None))
            Assert.True(new Predictor(ensemble, new PredictionOptions(this.folder.File("predict"), BatchSize: 2)).PredictOne(ct).Succeeded);
        var labels = NiftiReader.Read(this.folder.File("predict/ct.nii.gz")).Data.Select(v => (int)v).ToArray();
        Assert.True(labels.Any(v => v > 0), "the fixture's network found no lesion in the phantom, so there is no segmentation to check");

        string segSeries = Assert.Single(orthanc.SegmentationSeriesOf(series));
        Assert.StartsWith("done ", State(orthanc, series));
        Assert.EndsWith($"DICOM Segmentation in series {segSeries}", State(orthanc, series));
        Assert.Equal(segSeries, orthanc.Text($"series/{series}/metadata/{WorkerMetadata.SegmentationSeries}"));
        string segInstance = Assert.Single(orthanc.Json($"series/{segSeries}").GetProperty("Instances").EnumerateArray()).GetString()!;
        string seg = this.folder.File("seg.dcm");
        File.WriteAllBytes(seg, orthanc.Bytes($"instances/{segInstance}/file"));

        var readBack = SegReadBack.Read(seg, ct);
        Assert.Equal(labels, readBack.Labels);
        Assert.Equal(readBack.SourceStudy, readBack.Study);

        // The quantification and the HTML report sit on the CT series.
        using var predicted = JsonDocument.Parse(File.ReadAllText(this.folder.File("predict/ct.json")));
        using var stored = JsonDocument.Parse(orthanc.Text($"series/{series}/metadata/{WorkerMetadata.Quantification}")!);
        foreach (string property in new[] { "lung_pixels", "percent_opacity", "classes" })
            Assert.Equal(predicted.RootElement.GetProperty(property).GetRawText(), stored.RootElement.GetProperty(property).GetRawText());
        Assert.Equal($"{orthanc.Url}series/{series}", stored.RootElement.GetProperty("input").GetString());
        string html = System.Text.Encoding.UTF8.GetString(orthanc.Bytes($"series/{series}/attachments/{WorkerMetadata.HtmlReportAttachment}/data"));
        Assert.Contains("<html", html);
    }

    [OrthancFact]
    public void ARerunRedoesNothingEvenWithoutItsPositionFile()
    {
        using var orthanc = new OrthancServer();
        string series = Assert.Single(orthanc.Upload(PhantomCtSeries.Write(this.folder.File("ct"), seed: 9)));
        orthanc.WaitStable([series]);
        Assert.Equal(1, RunWorker(orthanc, this.folder.File("position")).Done);
        string state = State(orthanc, series);

        Assert.Equal(0, RunWorker(orthanc, this.folder.File("position")).Done);
        Assert.Equal(0, RunWorker(orthanc, this.folder.File("lost-position")).Done); // replays the whole feed
        Assert.Equal(state, State(orthanc, series));
        Assert.Single(orthanc.SegmentationSeriesOf(series));
    }

    [OrthancFact]
    public void ACorruptSeriesIsMarkedFailedWithItsReasonAndTheOthersAreDone()
    {
        using var orthanc = new OrthancServer();
        var good = new[] { 9, 10 }.Select(seed => Assert.Single(orthanc.Upload(PhantomCtSeries.Write(this.folder.File($"ct{seed}"), seed)))).ToList();
        // One series made of two stacks of different sizes: Orthanc stores it, the DICOM reader refuses it.
        var identity = CtSeriesIdentity.NewFor("Corrupt^Series", "P99", "corrupt chest CT");
        orthanc.Upload(PhantomCtSeries.Write(this.folder.File("bad-a"), seed: 11, identity: identity));
        string bad = Assert.Single(orthanc.Upload(PhantomCtSeries.Write(this.folder.File("bad-b"), seed: 12, nx: 32, ny: 32, slices: 2, identity: identity)));
        orthanc.WaitStable([.. good, bad]);

        Assert.Equal(new WorkerSummary(2, 1, 0), RunWorker(orthanc, this.folder.File("position")));
        Assert.Matches(@"^failed \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: mixed image sizes: \S+ is 48x40, \S+ is 32x32$", State(orthanc, bad));
        Assert.Contains(log, l => l.StartsWith($"series {bad}: failed: mixed image sizes", StringComparison.Ordinal));
        Assert.Empty(orthanc.SegmentationSeriesOf(bad));
        foreach (string series in good)
        {
            Assert.StartsWith("done ", State(orthanc, series));
            Assert.Single(orthanc.SegmentationSeriesOf(series));
        }
    }

    [OrthancFact]
    public void AStaleClaimOfADeadWorkerIsTakenOverAndTheSeriesFinishedOnce()
    {
        using var orthanc = new OrthancServer();
        string series = Assert.Single(orthanc.Upload(PhantomCtSeries.Write(this.folder.File("ct"), seed: 9)));
        orthanc.WaitStable([series]);
        // What a worker killed with -9 leaves behind: a claim that expires 3 s from now.
        var claim = SeriesState.Claim("dead-worker", DateTime.UtcNow.AddSeconds(3)).Format();
        using (var put = orthanc.Http.PutAsync($"series/{series}/metadata/{WorkerMetadata.State}", new StringContent(claim)).Result)
            Assert.True(put.IsSuccessStatusCode);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(new WorkerSummary(1, 0, 0), RunWorker(orthanc, this.folder.File("position")));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"took the live claim over after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains(log, l => l == $"series/{series}: took over the stale claim of dead-worker");
        Assert.StartsWith("done ", State(orthanc, series));
        Assert.Single(orthanc.SegmentationSeriesOf(series));
    }

    [OrthancFact]
    public void WrongCredentialsStopTheWorkerWithOneLineThatHidesThePassword()
    {
        using var orthanc = new OrthancServer();
        using var client = new OrthancClient(orthanc.Url, new OrthancCredentials(OrthancServer.User, "wrong-password-42"), RetryPolicy.Default, Log);
        var e = Assert.Throws<OrthancRequestException>(() => client.GetJsonAsync("changes?since=0", CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(401, e.Status);
        Assert.Equal($"Orthanc at {orthanc.Url} refused the credentials (HTTP 401): set COVIDSEG_ORTHANC_USER and COVIDSEG_ORTHANC_PASSWORD or use --credentials-file", e.Message);
        Assert.DoesNotContain(log, l => l.Contains("wrong-password-42"));
    }

    [OrthancFact]
    public void APositionBeyondTheFeedMeansANewDatabaseAndTheFeedIsReplayed()
    {
        using var orthanc = new OrthancServer();
        string series = Assert.Single(orthanc.Upload(PhantomCtSeries.Write(this.folder.File("ct"), seed: 9)));
        orthanc.WaitStable([series]);
        File.WriteAllText(this.folder.File("position"), "1000000\n");

        Assert.Equal(new WorkerSummary(1, 0, 0), RunWorker(orthanc, this.folder.File("position")));
        Assert.Contains(log, l => l.EndsWith("before our position 1000000 (a new database?): replaying from change 0", StringComparison.Ordinal));
        long last = orthanc.Json("changes?since=0&limit=10000").GetProperty("Last").GetInt64();
        Assert.True(long.Parse(File.ReadAllText(this.folder.File("position"))) <= last);
    }
}
