namespace CovidSeg.Imaging;

/// <summary>How <see cref="Overlay"/> draws: class colour opacity, whether to draw the legend, the Hounsfield window.</summary>
/// <param name="Alpha">Weight of the class colour over the grey pixel, 0 (invisible) to 1 (opaque).</param>
/// <param name="Legend">Draw colour swatches and class names in the top-left corner.</param>
/// <param name="WindowLevel">Window centre for Hounsfield images (ignored for display images).</param>
/// <param name="WindowWidth">Window width for Hounsfield images.</param>
public sealed record OverlayOptions(
    double Alpha = 0.5,
    bool Legend = true,
    double WindowLevel = GreyLevels.LungWindowLevel,
    double WindowWidth = GreyLevels.LungWindowWidth);
