using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CovidSeg.Data;
using CovidSeg.Evaluation;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using SkiaSharp;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Viewer;

public class ViewerServerTests(PredictedResultsFixture results) : IClassFixture<PredictedResultsFixture>
{
    private HttpClient Client => results.Client;

    private async Task<JsonNode> GetJson(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<SKBitmap> GetPng(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
    }

    private static byte Grey(float hu, double level, double width) =>
        (byte)Math.Round(Math.Clamp((hu - (level - width / 2)) / width, 0, 1) * 255, MidpointRounding.AwayFromZero);

    [Fact]
    public void TheServerListensOnLoopbackOnly() => Assert.Equal("127.0.0.1", results.Server.Address.Host);

    [Fact]
    public async Task ThePageCarriesItsOwnScriptAndStyleAndLoadsNothingFromElsewhere()
    {
        using var response = await Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script>", html);
        Assert.Contains("<style>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("src=\"//", html);
    }

    [Fact]
    public async Task TheListHasEachInputWithItsReportAndTheFailedOneWithItsError()
    {
        var list = await GetJson("/api/inputs");
        var inputs = list["inputs"]!.AsArray();
        Assert.Equal(["chest", "slice", "zbroken.png"], inputs.Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal(["ok", "ok", "failed"], inputs.Select(i => i!["status"]!.GetValue<string>()));
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(results.Results, "chest.json")))!;
        Assert.Equal(written["percent_opacity"]!.GetValue<double>(), inputs[0]!["report"]!["percent_opacity"]!.GetValue<double>());
        Assert.Equal(written["classes"]![0]!["volume_ml"]!.GetValue<double>(), inputs[0]!["report"]!["classes"]![0]!["volume_ml"]!.GetValue<double>());
        Assert.StartsWith(Path.Combine(results.Inputs, "zbroken.png") + ":", inputs[2]!["error"]!.GetValue<string>());
        Assert.True(inputs[0]!["truth"]!.GetValue<bool>());
        // The colours of the label set, the same the PNG overlays and report.html use.
        Assert.Equal(LabelSet.MedSeg.Lesions.Select(c => $"rgb({c.R},{c.G},{c.B})"), list["classes"]!.AsArray().Select(c => c!["colour"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AVolumeGivesItsLesionPerSliceTheSliceWithMostLesionAndItsDice()
    {
        var details = await GetJson("/api/inputs/0");
        var predicted = NiftiReader.Read(Path.Combine(results.Results, "chest.nii.gz")).Data.Select(v => (byte)v).ToArray();
        var truth = NiftiReader.Read(Path.Combine(results.Truth, "chest.nii.gz")).Data.Select(v => (byte)v).ToArray();
        long[] expected = Enumerable.Range(0, 5).Select(z => (long)predicted.Skip(z * 48 * 40).Take(48 * 40).Count(b => b != 0)).ToArray();
        Assert.Equal((48, 40, 5, true), (details["width"]!.GetValue<int>(), details["height"]!.GetValue<int>(), details["depth"]!.GetValue<int>(), details["hounsfield"]!.GetValue<bool>()));
        Assert.Equal(expected, details["lesion_pixels"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Equal(Array.IndexOf(expected, expected.Max()), details["most_lesion_slice"]!.GetValue<int>());
        var matrix = ConfusionMatrix.FromLabels(truth, predicted, 4, "test");
        double[] dice = [.. Enumerable.Range(1, 3).Select(c => OverlapScores.ForClass(matrix, c).Dice)];
        Assert.Equal(dice, details["dice"]!["classes"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal(dice.Average(), details["dice"]!["lesion_mean"]!.GetValue<double>(), 12);
    }

    [Theory]
    [InlineData("prediction", "lung", "")]
    [InlineData("prediction", "mediastinum", "")]
    [InlineData("prediction", "lung", "1,2")]
    [InlineData("truth", "lung", "")]
    public async Task EveryPixelOfARenderedSliceIsTheWindowedGreyOrItsClassColour(string layer, string window, string hide)
    {
        var input = NiftiReader.Read(Path.Combine(results.Inputs, "chest.nii.gz"));
        string labelFile = layer == "truth" ? Path.Combine(results.Truth, "chest.nii.gz") : Path.Combine(results.Results, "chest.nii.gz");
        var labels = NiftiReader.Read(labelFile).Data;
        var hidden = hide.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
        var (level, width) = window == "lung" ? (-600.0, 1500.0) : (40.0, 400.0);
        const int z = 2;
        using var png = await GetPng($"/api/inputs/0/slice.png?z={z}&layer={layer}&alpha=1&window={window}&hide={hide}");
        Assert.Equal((48, 40), (png.Width, png.Height));
        int coloured = 0;
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 48; x++)
            {
                int i = z * 48 * 40 + y * 48 + x;
                int label = (int)labels[i];
                var p = png.GetPixel(x, y);
                if (label == 0 || hidden.Contains(label))
                {
                    byte g = Grey(input.Data[i], level, width);
                    Assert.Equal((g, g, g), (p.Red, p.Green, p.Blue));
                }
                else
                {
                    var c = LabelSet.MedSeg.Classes[label];
                    Assert.Equal((c.R, c.G, c.B), (p.Red, p.Green, p.Blue));
                    coloured++;
                }
            }
        if (layer == "truth") Assert.True(coloured > 0, "the phantom's true lesions should be painted");
    }

    [Fact]
    public async Task OutlineAtHalfOpacityBlendsOnlyTheEdgesOfTheTruth()
    {
        var input = NiftiReader.Read(Path.Combine(results.Inputs, "chest.nii.gz"));
        var truth = NiftiReader.Read(Path.Combine(results.Truth, "chest.nii.gz")).Data;
        const int z = 2;
        using var png = await GetPng($"/api/inputs/0/slice.png?z={z}&layer=truth&alpha=0.5&style=outline");
        int edges = 0;
        for (int y = 1; y < 39; y++)
            for (int x = 1; x < 47; x++)
            {
                int i = z * 48 * 40 + y * 48 + x;
                int l = (int)truth[i];
                bool edge = IsTruthEdge(truth, i, l);
                byte g = Grey(input.Data[i], -600, 1500);
                var p = png.GetPixel(x, y);
                if (!edge)
                {
                    Assert.Equal((g, g, g), (p.Red, p.Green, p.Blue));
                    continue;
                }
                edges++;
                var c = LabelSet.MedSeg.Classes[l];
                byte Half(byte colour) => (byte)Math.Round(0.5 * g + 0.5 * colour, MidpointRounding.AwayFromZero);
                Assert.Equal((Half(c.R), Half(c.G), Half(c.B)), (p.Red, p.Green, p.Blue));
            }
        Assert.True(edges > 0, "the phantom's lesions should have edges on slice 2");
    }

    /// <summary>A lesion pixel of the 48-wide phantom truth with a 4-neighbour of another label: what an outline paints.</summary>
    private static bool IsTruthEdge(float[] truth, int i, int label) =>
        label != 0 && ((int)truth[i - 1] != label || (int)truth[i + 1] != label || (int)truth[i - 48] != label || (int)truth[i + 48] != label);

    [Fact]
    public async Task TruthOverThePredictionIsItsOutlineInFullColour()
    {
        var input = NiftiReader.Read(Path.Combine(results.Inputs, "chest.nii.gz"));
        var truth = NiftiReader.Read(Path.Combine(results.Truth, "chest.nii.gz")).Data;
        const int z = 2;
        // alpha 0: the prediction leaves the grey as it is, so only the truth's outline is coloured.
        using var png = await GetPng($"/api/inputs/0/slice.png?z={z}&layer=both&alpha=0");
        int edges = 0;
        for (int y = 1; y < 39; y++)
            for (int x = 1; x < 47; x++)
            {
                int i = z * 48 * 40 + y * 48 + x;
                int l = (int)truth[i];
                bool edge = IsTruthEdge(truth, i, l);
                byte g = Grey(input.Data[i], -600, 1500);
                var c = LabelSet.MedSeg.Classes[l];
                var expected = edge ? (c.R, c.G, c.B) : (g, g, g);
                var p = png.GetPixel(x, y);
                Assert.Equal(expected, (p.Red, p.Green, p.Blue));
                if (edge) edges++;
            }
        Assert.True(edges > 0, "the phantom's lesions should have edges on slice 2");
    }

    [Fact]
    public async Task ASliceHasOneImageAndNoWindow()
    {
        var details = await GetJson("/api/inputs/1");
        Assert.Equal((1, false), (details["depth"]!.GetValue<int>(), details["hounsfield"]!.GetValue<bool>()));
        using var png = await GetPng("/api/inputs/1/slice.png?layer=none");
        var grey = ImageFile.ReadGrey(Path.Combine(results.Inputs, "slice.png"));
        Assert.Equal((byte)grey[30, 20], png.GetPixel(30, 20).Red);
    }

    [Theory]
    [InlineData("/api/inputs/99", HttpStatusCode.NotFound, "")]
    [InlineData("/api/inputs/2", HttpStatusCode.NotFound, "")]
    [InlineData("/api/inputs/2/slice.png", HttpStatusCode.NotFound, "")]
    [InlineData("/api/inputs/0/slice.png?z=5", HttpStatusCode.BadRequest, "z must be 0..4, got 5")]
    [InlineData("/api/inputs/0/slice.png?z=two", HttpStatusCode.BadRequest, "z must be a whole number, got 'two'")]
    [InlineData("/api/inputs/0/slice.png?style=dots", HttpStatusCode.BadRequest, "style must be fill or outline, got 'dots'")]
    [InlineData("/api/inputs/0/slice.png?alpha=2", HttpStatusCode.BadRequest, "alpha must be a number in 0..1, got '2'")]
    [InlineData("/api/inputs/0/slice.png?window=bone", HttpStatusCode.BadRequest, "window must be lung or mediastinum, got 'bone'")]
    [InlineData("/api/inputs/0/slice.png?hide=4", HttpStatusCode.BadRequest, "hide must list lesion classes 1..3, got '4'")]
    [InlineData("/api/inputs/0/slice.png?layer=mask", HttpStatusCode.BadRequest, "layer must be prediction, truth, both or none, got 'mask'")]
    public async Task BadRequestsGetTheirCodeAndOneLine(string path, HttpStatusCode code, string message)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(code, response.StatusCode);
        if (message.Length > 0) Assert.Equal(message, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/files/../../etc/passwd")]
    [InlineData("/files/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/files/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/files/%2Fetc%2Fpasswd")]
    [InlineData("/files/nothing.html")]
    public async Task PathsOutsideTheResultsFolderAreNotFound(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ARawRequestClimbingOutOfTheFolderIsNotFound()
    {
        // HttpClient may tidy "../" away; a raw request line reaches the server exactly as written.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, results.Server.Address.Port);
        using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /files/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("HTTP/1.1 404 Not Found", await reader.ReadLineAsync());
    }

    [Fact]
    public void AnInputThatIsGoneStillShowsItsLabelsOverGreyWithANote()
    {
        using var folder = new TempFolder();
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(results.Results, "chest.json")))!;
        report["input"] = "/nonexistent/chest.nii.gz";
        File.WriteAllText(folder.File("chest.json"), report.ToJsonString());
        File.Copy(Path.Combine(results.Results, "chest.nii.gz"), folder.File("chest.nii.gz"));
        var scan = CovidSeg.Cli.Viewer.ResultsCatalog.Load(folder.Path).Scan(0);
        Assert.Equal("input /nonexistent/chest.nii.gz not found: labels are shown over grey", scan.Note);
        Assert.Equal((48, 40, 5, false), (scan.Width, scan.Height, scan.Depth, scan.Hounsfield));
        Assert.All(scan.Slice(2).Pixels, p => Assert.Equal(128f, p));
    }

    [Fact]
    public async Task FilesOfTheResultsFolderAreServed()
    {
        using var response = await Client.GetAsync("/files/report.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllText(Path.Combine(results.Results, "report.html")), await response.Content.ReadAsStringAsync());
    }
}
