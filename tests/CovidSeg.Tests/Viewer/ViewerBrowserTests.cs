using System.Text.Json.Nodes;
using CovidSeg.Data;
using CovidSeg.Imaging.Nifti;
using SkiaSharp;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Viewer;

/// <summary>
/// The viewer and report.html in a real browser (Debian's Chromium, headless): the page's own controls are moved as a
/// user would, then the pixels the page shows are counted, from the images and from a screenshot.
/// </summary>
public class ViewerBrowserTests(PredictedResultsFixture results) : IClassFixture<PredictedResultsFixture>
{
    /// <summary>Page helpers: count a colour in an image as loaded; run an action and wait for both slices to reload.</summary>
    private const string Helpers = """
        window.count = (id, r, g, b) => {
          const img = document.getElementById(id), c = document.createElement('canvas');
          c.width = img.naturalWidth; c.height = img.naturalHeight;
          const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) n++;
          return n;
        };
        window.act = f => new Promise(done => {
          let left = 2;
          for (const id of ['pred', 'truth'])
            document.getElementById(id).addEventListener('load', () => { if (--left === 0) done(true); }, { once: true });
          f();
        });
        window.input = (id, value) => act(() => { const e = document.getElementById(id); e.value = value; e.dispatchEvent(new Event('input')); });
        true
        """;

    private static readonly LabelClass Ggo = LabelSet.MedSeg.Classes[1];
    private static readonly LabelClass Consolidation = LabelSet.MedSeg.Classes[2];

    private int TruthPixels(int z, int label) =>
        NiftiReader.Read(Path.Combine(results.Truth, "chest.nii.gz")).Data.Skip(z * 48 * 40).Take(48 * 40).Count(v => (int)v == label);

    private static async Task<int> Count(HeadlessChromium page, string id, LabelClass c) =>
        (await page.EvaluateAsync($"count('{id}', {c.R}, {c.G}, {c.B})"))!.GetValue<int>();

    /// <summary>Pixels of exactly the colour of <paramref name="c"/> inside element <paramref name="id"/> in a screenshot.</summary>
    private static async Task<int> ScreenshotCount(HeadlessChromium page, string id, LabelClass c, string? saveAs = null)
    {
        byte[] png = await page.ScreenshotAsync();
        if (saveAs is not null) File.WriteAllBytes(saveAs, png);
        var box = (await page.EvaluateAsync($"(() => {{ const r = document.getElementById('{id}').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }})()"))!.AsArray();
        int left = (int)Math.Ceiling(box[0]!.GetValue<double>()), top = (int)Math.Ceiling(box[1]!.GetValue<double>());
        int right = (int)box[2]!.GetValue<double>(), bottom = (int)box[3]!.GetValue<double>();
        using var shot = SKBitmap.Decode(png);
        int n = 0;
        for (int y = top; y < Math.Min(bottom, shot.Height); y++)
            for (int x = left; x < Math.Min(right, shot.Width); x++)
            {
                var p = shot.GetPixel(x, y);
                if (p.Red == c.R && p.Green == c.G && p.Blue == c.B) n++;
            }
        return n;
    }

    [ChromiumFact]
    public async Task MovingTheSliderScrollingAndTogglingAClassChangeTheLesionPixelsShown()
    {
        using var page = await HeadlessChromium.StartAsync();
        await page.NavigateAsync(results.Server.Address.ToString(),
            "document.body.dataset.ready === '1' && document.getElementById('truth').complete && document.getElementById('pred').complete");
        await page.EvaluateAsync(Helpers);
        // The volume opens on its slice with the most lesion, with the truth beside it.
        var details = JsonNode.Parse(await results.Client.GetStringAsync("/api/inputs/0"))!;
        int most = details["most_lesion_slice"]!.GetValue<int>();
        Assert.Equal(most.ToString(), (await page.EvaluateAsync("document.getElementById('sliceInfo').dataset.z"))!.GetValue<string>());

        await page.EvaluateAsync("input('alpha', '1')");
        await page.EvaluateAsync("input('slider', '1')");
        Assert.Equal(TruthPixels(1, 1), await Count(page, "truth", Ggo));
        long lesion1 = details["lesion_pixels"]![1]!.GetValue<long>();
        Assert.StartsWith($"slice 1 of 4: lesion {lesion1} px, ", (await page.EvaluateAsync("document.getElementById('sliceInfo').textContent"))!.GetValue<string>());

        await page.EvaluateAsync("input('slider', '3')");
        int ggo3 = TruthPixels(3, 1), consolidation3 = TruthPixels(3, 2);
        Assert.Equal(ggo3, await Count(page, "truth", Ggo));
        Assert.Equal(consolidation3, await Count(page, "truth", Consolidation));
        Assert.True(ggo3 > 0, "slice 3 of the phantom should hold ground-glass opacity");
        string? screenshot = Environment.GetEnvironmentVariable("COVIDSEG_VIEWER_SCREENSHOT");
        Assert.True(await ScreenshotCount(page, "truth", Ggo, screenshot) > 0, "the screenshot should show the truth's ground-glass opacity");

        // The mouse wheel moves one slice.
        await page.EvaluateAsync("act(() => document.getElementById('pred').dispatchEvent(new WheelEvent('wheel', { deltaY: 100, cancelable: true })))");
        Assert.Equal("4", (await page.EvaluateAsync("document.getElementById('sliceInfo').dataset.z"))!.GetValue<string>());
        Assert.Equal(TruthPixels(4, 1), await Count(page, "truth", Ggo));
        await page.EvaluateAsync("input('slider', '3')");

        // Ground-glass off: its pixels go grey, consolidation stays.
        await page.EvaluateAsync("act(() => document.querySelector('#classes input[data-class=\"1\"]').click())");
        Assert.Equal(0, await Count(page, "truth", Ggo));
        Assert.Equal(consolidation3, await Count(page, "truth", Consolidation));
        Assert.Equal(0, await ScreenshotCount(page, "truth", Ggo));
    }

    [ChromiumFact]
    public async Task TheReportShowsItsOverlaysWithTheLegendBesideAndTheSameColours()
    {
        using var page = await HeadlessChromium.StartAsync();
        await page.NavigateAsync(new Uri(results.Server.Address, "files/report.html").ToString(),
            "document.readyState === 'complete' && [...document.images].every(i => i.complete)");
        var sizes = (await page.EvaluateAsync("[...document.images].map(i => [i.naturalWidth, i.naturalHeight])"))!.AsArray();
        Assert.Equal(4, sizes.Count); // 3 slices of the volume, 1 slice
        // The volume's 48 x 40 slices with the legend strip to the right, not on them; the strip's 3 swatches
        // (3 + 3 x 13 = 42 rows) make the picture 2 rows taller than the slice.
        Assert.All(sizes.Take(3), s => Assert.True(s![0]!.GetValue<int>() > 48 && s[1]!.GetValue<int>() == 42, s.ToJsonString()));
        // Swatch 10 px, gap 3: the first swatch covers x 51..60, y 3..12 of the picture.
        var pixel = (await page.EvaluateAsync("""
            (() => { const img = document.images[0], c = document.createElement('canvas');
              c.width = img.naturalWidth; c.height = img.naturalHeight; const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
              return [...ctx.getImageData(55, 7, 1, 1).data]; })()
            """))!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        Assert.Equal([Ggo.R, Ggo.G, Ggo.B, 255], pixel);
        Assert.Equal($"rgb({Ggo.R}, {Ggo.G}, {Ggo.B})", (await page.EvaluateAsync("getComputedStyle(document.querySelector('.legend .swatch')).backgroundColor"))!.GetValue<string>());
    }
}
