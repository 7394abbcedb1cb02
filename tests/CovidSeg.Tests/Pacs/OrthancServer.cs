using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CovidSeg.Tests.Pacs;

/// <summary>
/// A real Orthanc of the test's own on loopback: free HTTP port, DICOM server off, a temporary storage folder, a test
/// user, metadata revisions checked and series stable after 1 s (not the default 60). Never the system's service.
/// </summary>
public sealed class OrthancServer : IDisposable
{
    public const string User = "covidseg-test";
    public const string Password = "s3cret-test";
    public const string NotInstalled = "Orthanc not found (/usr/sbin/Orthanc): install Debian's orthanc package (apt-get install orthanc) to run the PACS worker tests";

    private readonly TempFolder folder = new();
    private readonly string config;
    private Process? process;

    public static string? Executable { get; } = new[] { "/usr/sbin/Orthanc", "/usr/bin/Orthanc" }.FirstOrDefault(File.Exists);

    public OrthancServer()
    {
        Port = FreePort();
        this.config = this.folder.File("orthanc.json");
        var config = new Dictionary<string, object>
        {
            ["Name"] = "covidseg-test",
            ["StorageDirectory"] = this.folder.File("db"),
            ["IndexDirectory"] = this.folder.File("db"),
            ["HttpPort"] = Port,
            ["DicomServerEnabled"] = false,
            ["DicomPort"] = FreePort(),
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = true,
            ["RegisteredUsers"] = new Dictionary<string, string> { [User] = Password },
            ["CheckRevisions"] = true,
            ["StableAge"] = 1,
            ["Plugins"] = Array.Empty<string>(),
        };
        File.WriteAllText(this.config, JsonSerializer.Serialize(config));
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        try
        {
            Start();
        }
        catch
        {
            Dispose(); // a constructor that throws is never disposed: no Orthanc may outlive the test
            throw;
        }
    }

    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}/");
    public HttpClient Http { get; }

    /// <summary>Starts (or restarts) Orthanc on the same port and storage and waits until it answers.</summary>
    public void Start()
    {
        var start = new ProcessStartInfo(Executable!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(this.config);
        process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                lock (output) Assert.Fail($"Orthanc exited with code {process.ExitCode} at start: {output.ToString().Trim().Split('\n').LastOrDefault()}");
            }
            try
            {
                if (Http.GetAsync("system").Result.StatusCode == HttpStatusCode.OK) return;
            }
            catch (AggregateException) { }
            Thread.Sleep(100);
        }
        Stop();
        throw new TimeoutException("Orthanc did not answer within 30 s");
    }

    /// <summary>Stops Orthanc (SIGKILL: as abrupt as a crash), keeping its storage.</summary>
    public void Stop()
    {
        if (process is null) return;
        if (!process.HasExited) process.Kill();
        process.WaitForExit();
        process.Dispose();
        process = null;
    }

    /// <summary>Uploads every file of a folder; returns the Orthanc series IDs they went into.</summary>
    public IReadOnlyList<string> Upload(string folder)
    {
        var series = new HashSet<string>();
        foreach (string file in Directory.GetFiles(folder))
        {
            using var response = Http.PostAsync("instances", new ByteArrayContent(File.ReadAllBytes(file))).Result;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            series.Add(JsonDocument.Parse(response.Content.ReadAsStringAsync().Result).RootElement.GetProperty("ParentSeries").GetString()!);
        }
        return series.ToList();
    }

    public JsonElement Json(string path)
    {
        using var response = Http.GetAsync(path).Result;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: HTTP {(int)response.StatusCode}");
        return JsonDocument.Parse(response.Content.ReadAsStringAsync().Result).RootElement.Clone();
    }

    /// <summary>A text resource, or null on 404 (e.g. metadata never written).</summary>
    public string? Text(string path)
    {
        using var response = Http.GetAsync(path).Result;
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Content.ReadAsStringAsync().Result;
    }

    public byte[] Bytes(string path) => Http.GetByteArrayAsync(path).Result;

    /// <summary>Waits until Orthanc has reported every given series stable, so a --once worker sees them.</summary>
    public void WaitStable(IEnumerable<string> seriesIds)
    {
        var wanted = seriesIds.ToHashSet();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var changes = Json("changes?since=0&limit=10000").GetProperty("Changes").EnumerateArray()
                .Where(c => c.GetProperty("ChangeType").GetString() == "StableSeries").Select(c => c.GetProperty("ID").GetString()!);
            if (wanted.IsSubsetOf(changes)) return;
            Thread.Sleep(200);
        }
        throw new TimeoutException("Orthanc did not report the series stable within 60 s");
    }

    /// <summary>The Orthanc IDs of the study's DICOM Segmentation series.</summary>
    public IReadOnlyList<string> SegmentationSeriesOf(string seriesId)
    {
        string study = Json($"series/{seriesId}").GetProperty("ParentStudy").GetString()!;
        return Json($"studies/{study}/series").EnumerateArray()
            .Where(s => s.GetProperty("MainDicomTags").TryGetProperty("Modality", out var m) && m.GetString() == "SEG")
            .Select(s => s.GetProperty("ID").GetString()!).ToList();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        Stop();
        Http.Dispose();
        this.folder.Dispose();
    }
}
