using System.Globalization;
using CovidSeg.Data;
using CovidSeg.Imaging;
using Microsoft.AspNetCore.Http;
using CovidSeg.Labels;

namespace CovidSeg.Cli.Viewer;

/// <summary>
/// What the page asks to see of one slice, from the query string: z, layer (prediction, truth, both = the prediction
/// with the truth's outlines over it, or none), style
/// (fill, outline), alpha (0..1), window (lung, mediastinum; Hounsfield inputs only) and hide (class numbers to leave out).
/// </summary>
public sealed record SliceRequest(int Z, string Layer, OverlayOptions Options, IReadOnlySet<int> Hidden)
{
    public static readonly string[] Layers = ["prediction", "truth", "both", "none"];

    /// <summary>Reads and checks the query; anything wrong is a <see cref="CovidSegException"/> naming the parameter.</summary>
    public static SliceRequest Parse(IQueryCollection query, ViewerScan scan, LabelSet labels)
    {
        int z = Integer(query, "z", 0);
        if (z < 0 || z >= scan.Depth) throw new CovidSegException($"z must be 0..{scan.Depth - 1}, got {z}");
        string layer = query["layer"].FirstOrDefault() ?? "prediction";
        if (!Layers.Contains(layer)) throw new CovidSegException($"layer must be prediction, truth, both or none, got '{layer}'");
        if (layer is "truth" or "both" && scan.Truth is null) throw new CovidSegException($"layer {layer}: this input has no ground truth (--gt)");
        var style = OverlayStyles.Parse(query["style"].FirstOrDefault() ?? "fill", "style");
        string alphaText = query["alpha"].FirstOrDefault() ?? "0.5";
        if (!double.TryParse(alphaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double alpha) || alpha is < 0 or > 1)
            throw new CovidSegException($"alpha must be a number in 0..1, got '{alphaText}'");
        string window = query["window"].FirstOrDefault() ?? "lung";
        var (level, width) = window switch
        {
            "lung" => (GreyLevels.LungWindowLevel, GreyLevels.LungWindowWidth),
            "mediastinum" => (GreyLevels.MediastinumWindowLevel, GreyLevels.MediastinumWindowWidth),
            _ => throw new CovidSegException($"window must be lung or mediastinum, got '{window}'"),
        };
        var hidden = new HashSet<int>();
        foreach (string part in (query["hide"].FirstOrDefault() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int c) || c < 1 || c >= labels.Count)
                throw new CovidSegException($"hide must list lesion classes 1..{labels.Count - 1}, got '{part}'");
            hidden.Add(c);
        }
        return new SliceRequest(z, layer, new OverlayOptions(alpha, style, level, width), hidden);
    }

    /// <summary>The slice as a PNG: grey in the chosen window, the chosen labels blended in their colours.</summary>
    public byte[] Render(ViewerScan scan, LabelSet labels)
    {
        var image = scan.Slice(Z);
        byte[] shown = Layer == "none" ? new byte[scan.Width * scan.Height] : scan.Mask(Z, Layer == "truth").Labels;
        var rgb = Overlay.Render(image, new LabelMask(scan.Width, scan.Height, Hide(shown)), labels, Options);
        if (Layer == "both") Overlay.DrawOutlines(rgb, new LabelMask(scan.Width, scan.Height, Hide(scan.Mask(Z, truth: true).Labels)), labels);
        return new RgbPicture(scan.Width, scan.Height, rgb).ToPng();
    }

    private byte[] Hide(byte[] labels) => Hidden.Count == 0 ? labels : labels.Select(l => Hidden.Contains(l) ? (byte)0 : l).ToArray();

    private static int Integer(IQueryCollection query, string name, int fallback)
    {
        string? text = query[name].FirstOrDefault();
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value : throw new CovidSegException($"{name} must be a whole number, got '{text}'");
    }
}
