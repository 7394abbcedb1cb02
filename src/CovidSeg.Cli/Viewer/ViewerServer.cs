using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CovidSeg.Cli.Viewer;

/// <summary>
/// The viewer's web server, on 127.0.0.1 only: the page (one embedded file, no external script or style), the list of
/// inputs, per-input slice statistics, slices rendered as PNG on request, and the files of the results folder. Only
/// entry numbers and names inside the results folder are accepted from the page; anything else is 404.
/// </summary>
public sealed class ViewerServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ViewerServer(WebApplication app, Uri address) => (this.app, Address) = (app, address);

    /// <summary>Where the page is, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>Starts serving <paramref name="catalog"/>; port 0 picks a free port.</summary>
    public static async Task<ViewerServer> StartAsync(ResultsCatalog catalog, int port = 0)
    {
        if (port is < 0 or > 65535) throw new CovidSegException($"--port must be 0..65535, got {port}");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        Map(app, catalog);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new CovidSegException($"cannot listen on 127.0.0.1:{port}: {e.Message}");
        }
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ViewerServer(app, new Uri(bound.TrimEnd('/') + "/"));
    }

    public Task WaitForShutdownAsync(CancellationToken cancel) => this.app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await this.app.StopAsync();
        await this.app.DisposeAsync();
    }

    private static void Map(WebApplication app, ResultsCatalog catalog)
    {
        string page = Page();
        app.MapGet("/", () => Results.Text(page, "text/html; charset=utf-8"));
        app.MapGet("/api/inputs", () => Json(InputList(catalog)));
        app.MapGet("/api/inputs/{id:int}", (int id) => WithScan(catalog, id, scan => Json(ScanDetails(catalog, scan))));
        app.MapGet("/api/inputs/{id:int}/slice.png", (int id, HttpRequest request) => WithScan(catalog, id, scan =>
            Results.Bytes(SliceRequest.Parse(request.Query, scan, catalog.Labels).Render(scan, catalog.Labels), "image/png")));
        app.MapGet("/files/{**path}", (string? path) => ResultsFile(catalog.Root, path));
    }

    /// <summary>Runs <paramref name="body"/> on a known entry's scan: unknown id 404, failed input 404, bad file or
    /// bad request 400 with the one-line reason.</summary>
    private static IResult WithScan(ResultsCatalog catalog, int id, Func<ViewerScan, IResult> body)
    {
        if (id < 0 || id >= catalog.Entries.Count || catalog.Entries[id].Status != "ok") return Results.NotFound();
        try
        {
            return body(catalog.Scan(id));
        }
        catch (CovidSegException e)
        {
            return Results.Text(e.Message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>A file of the results folder by its name there; a path that leaves the folder is 404, like a missing file.</summary>
    internal static IResult ResultsFile(string root, string? path)
    {
        if (string.IsNullOrEmpty(path)) return Results.NotFound();
        string full = Path.GetFullPath(Path.Combine(root, Uri.UnescapeDataString(path)));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full)) return Results.NotFound();
        // A link inside the folder may point anywhere: follow it and check again.
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
        if (target is not null && !target.FullName.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return Results.NotFound();
        string type = Path.GetExtension(full).ToLowerInvariant() switch
        {
            ".html" => "text/html; charset=utf-8",
            ".png" => "image/png",
            ".json" => "application/json",
            ".csv" => "text/csv; charset=utf-8",
            ".md" => "text/markdown; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.File(full, type);
    }

    private static JsonObject InputList(ResultsCatalog catalog)
    {
        var classes = new JsonArray();
        foreach (var c in catalog.Labels.Lesions)
            classes.Add(new JsonObject { ["index"] = c.Index, ["name"] = c.Name, ["colour"] = $"rgb({c.R},{c.G},{c.B})" });
        var inputs = new JsonArray();
        for (int i = 0; i < catalog.Entries.Count; i++)
        {
            var e = catalog.Entries[i];
            inputs.Add(new JsonObject
            {
                ["id"] = i, ["name"] = e.Name, ["input"] = e.Input, ["status"] = e.Status, ["error"] = e.Error,
                ["truth"] = e.TruthPath is not null, ["report"] = e.Report?.DeepClone(),
            });
        }
        return new JsonObject { ["classes"] = classes, ["inputs"] = inputs };
    }

    private static JsonObject ScanDetails(ResultsCatalog catalog, ViewerScan scan)
    {
        long[] lesion = scan.LesionPixelsPerSlice();
        int most = Array.IndexOf(lesion, lesion.Max()); // the first slice with the most lesion
        var details = new JsonObject
        {
            ["width"] = scan.Width, ["height"] = scan.Height, ["depth"] = scan.Depth, ["hounsfield"] = scan.Hounsfield,
            ["note"] = scan.Note, ["pixel_area_mm2"] = scan.PixelAreaMm2,
            ["lesion_pixels"] = new JsonArray(lesion.Select(n => (JsonNode?)n).ToArray()), ["most_lesion_slice"] = most,
        };
        if (scan.Truth is not null)
        {
            details["truth_lesion_pixels"] = new JsonArray(scan.LesionPixelsPerSlice(truth: true).Select(n => (JsonNode?)n).ToArray());
            var dice = scan.DicePerLesionClass(catalog.Labels);
            details["dice"] = new JsonObject
            {
                ["classes"] = new JsonArray(dice.Select(d => (JsonNode?)d).ToArray()),
                ["lesion_mean"] = dice.Average(),
            };
        }
        return details;
    }

    private static IResult Json(JsonObject value) => Results.Text(value.ToJsonString(), "application/json; charset=utf-8");

    private static string Page()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CovidSeg.Cli.Viewer.viewer.html")
            ?? throw new InvalidOperationException("the viewer page is not embedded in the program");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
