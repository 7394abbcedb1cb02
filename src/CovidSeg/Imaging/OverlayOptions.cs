namespace CovidSeg.Imaging;

/// <summary>How <see cref="Overlay"/> draws: class colour opacity, fill or outline, the Hounsfield window.</summary>
/// <param name="Alpha">Weight of the class colour over the grey pixel, 0 (invisible) to 1 (opaque).</param>
/// <param name="Style">Fill each region, or draw its outline only.</param>
/// <param name="WindowLevel">Window centre for Hounsfield images (ignored for display images).</param>
/// <param name="WindowWidth">Window width for Hounsfield images.</param>
public sealed record OverlayOptions(
    double Alpha = 0.5,
    OverlayStyle Style = OverlayStyle.Fill,
    double WindowLevel = GreyLevels.LungWindowLevel,
    double WindowWidth = GreyLevels.LungWindowWidth);
