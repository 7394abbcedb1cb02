namespace CovidSeg.Imaging;

/// <summary>How <see cref="Overlay"/> paints a lesion: the whole region, or only its edge so the texture inside stays visible.</summary>
public enum OverlayStyle
{
    /// <summary>Every pixel of the class is blended with its colour.</summary>
    Fill,
    /// <summary>Only pixels with a 4-neighbour of another label are blended; the inside keeps its grey (ground-glass texture).</summary>
    Outline,
}
