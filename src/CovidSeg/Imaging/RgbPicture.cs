namespace CovidSeg.Imaging;

/// <summary>A picture to save or send: row-major RGB bytes, width x height x 3.</summary>
public sealed record RgbPicture(int Width, int Height, byte[] Rgb)
{
    public (byte R, byte G, byte B) this[int x, int y] => (Rgb[3 * (y * Width + x)], Rgb[3 * (y * Width + x) + 1], Rgb[3 * (y * Width + x) + 2]);

    public byte[] ToPng() => ImageFile.EncodeRgb(Width, Height, Rgb);
}
