namespace CovidSeg.Imaging;

/// <summary>The names of <see cref="OverlayStyle"/> on the command line and in the viewer's URLs.</summary>
public static class OverlayStyles
{
    /// <summary>"fill" or "outline" (any case); anything else is a <see cref="CovidSegException"/> naming <paramref name="what"/>.</summary>
    public static OverlayStyle Parse(string? name, string what) => name?.ToLowerInvariant() switch
    {
        "fill" => OverlayStyle.Fill,
        "outline" => OverlayStyle.Outline,
        _ => throw new CovidSegException($"{what} must be fill or outline, got '{name}'"),
    };
}
