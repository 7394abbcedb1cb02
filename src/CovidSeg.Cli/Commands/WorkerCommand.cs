using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CovidSeg.Inference;
using CovidSeg.Pacs;
using CovidSeg.Runtime;

namespace CovidSeg.Cli.Commands;

/// <summary>
/// <c>covidseg worker</c>: segments every new CT series that becomes stable in an Orthanc server and stores the DICOM
/// Segmentation, quantification and report back in Orthanc (<see cref="PacsWorker"/>). Credentials come from the
/// environment or a file, never from the command line.
/// </summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var orthanc = new Option<string>("--orthanc") { Description = "Orthanc REST URL, e.g. http://localhost:8042 (credentials: COVIDSEG_ORTHANC_USER and COVIDSEG_ORTHANC_PASSWORD, or --credentials-file)", Required = true };
        var models = new Option<string[]>("--model", "-m") { Description = "run folder made by `covidseg train`; repeat for an ensemble", Required = true, AllowMultipleArgumentsPerToken = true };
        var once = new Option<bool>("--once") { Description = "process what is pending, then exit (for cron and tests)" };
        var description = new Option<string?>("--series-description") { Description = "only CT series whose Series Description matches this regular expression" };
        var credentials = new Option<string?>("--credentials-file") { Description = "file holding one line user:password for Orthanc" };
        var position = new Option<string?>("--position-file") { Description = "where the change-feed position is kept (default: under $XDG_STATE_HOME or ~/.local/state/covidseg/)" };
        var claim = new Option<double>("--claim-timeout") { Description = "seconds a claim holds before another worker may take the series over", DefaultValueFactory = _ => WorkerOptions.DefaultClaimTimeout.TotalSeconds };
        var poll = new Option<double>("--poll") { Description = "seconds between polls of Orthanc's change feed once caught up", DefaultValueFactory = _ => WorkerOptions.DefaultPollInterval.TotalSeconds };
        var backoff = new Option<double>("--max-backoff") { Description = "longest wait, in seconds, between retries while Orthanc is unreachable", DefaultValueFactory = _ => RetryPolicy.Default.Cap.TotalSeconds };
        var workerId = new Option<string?>("--worker-id") { Description = "name written into claims (default: host name and process id)" };
        var tta = CommonOptions.Tta();
        var batch = new Option<int>("--batch") { Description = "slices per forward pass", DefaultValueFactory = _ => Segmenter.DefaultBatchSize };
        var threads = CommonOptions.Threads();
        var command = new Command("worker", "Segment every new CT series in an Orthanc PACS and store the DICOM Segmentation, quantification and report back in it.");
        foreach (var o in new Option[] { orthanc, models, once, description, credentials, position, claim, poll, backoff, workerId, tta, batch, threads }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            string url = parse.GetValue(orthanc)!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri))
                throw new CovidSegException($"--orthanc must be an http:// or https:// URL, got {url}");
            OrthancClient.CheckUrl(baseUri);
            var filter = Pattern(parse.GetValue(description));
            var claimTimeout = Seconds("--claim-timeout", parse.GetValue(claim));
            var pollInterval = Seconds("--poll", parse.GetValue(poll));
            var cap = Seconds("--max-backoff", parse.GetValue(backoff));
            if (parse.GetValue(batch) < 1) throw new CovidSegException($"--batch must be at least 1, got {parse.GetValue(batch)}");
            var login = OrthancCredentials.Resolve(parse.GetValue(credentials), Environment.GetEnvironmentVariable);
            TorchRuntime.Configure(parse.GetValue(threads));
            using var ensemble = Ensemble.Load(parse.GetValue(models) ?? [], CommonOptions.ParseTta(parse, tta));
            var options = new WorkerOptions(parse.GetValue(workerId) ?? $"{Environment.MachineName}-{Environment.ProcessId}",
                parse.GetValue(position) ?? DefaultPositionFile(baseUri), parse.GetValue(once), filter, claimTimeout, pollInterval, parse.GetValue(batch));
            using var client = new OrthancClient(baseUri, login, RetryPolicy.Default with { Cap = cap }, Log);
            using var signals = new CtrlC("abandoning the current series and releasing its claim");
            try
            {
                var summary = new PacsWorker(client, ensemble, options, Log).RunAsync(signals.Token).GetAwaiter().GetResult();
                return summary.Failed > 0 ? CommandRunner.PartialFailure : CommandRunner.Success;
            }
            catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
            {
                Log($"worker {options.WorkerId}: stopped by a signal");
                return signals.ExitCode;
            }
        });
        return command;
    }

    /// <summary>One line per event, with a UTC time stamp; flushed at once so a log collector sees it as it happens.</summary>
    private static void Log(string line)
    {
        Console.Out.WriteLine($"{DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {line}");
        Console.Out.Flush();
    }

    private static Regex? Pattern(string? text)
    {
        if (text is null) return null;
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new CovidSegException($"--series-description is not a regular expression: {e.Message.Split('\n')[0]}");
        }
    }

    private static TimeSpan Seconds(string option, double value) =>
        double.IsFinite(value) && value > 0 && value <= 7 * 86400 ? TimeSpan.FromSeconds(value)
            : throw new CovidSegException($"{option} must be a number of seconds above 0 and at most 604800, got {value.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>One position file per Orthanc URL, so one account can follow several servers.</summary>
    private static string DefaultPositionFile(Uri orthanc)
    {
        string root = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } state ? state
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(orthanc.AbsoluteUri.TrimEnd('/'))))[..16];
        return Path.Combine(root, "covidseg", $"worker-{key}.position");
    }
}
