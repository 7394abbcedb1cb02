using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// A set of attributes kept in tag order, as read from a file or built for writing. Typed getters decode the
/// values CovidSeg needs; a value that does not parse raises <see cref="InvalidInputException"/> naming the file
/// the data set came from and the attribute.
/// </summary>
public sealed class DicomDataset
{
    private readonly SortedDictionary<DicomTag, DicomElement> elements = new();

    public DicomDataset(string sourcePath = "")
    {
        SourcePath = sourcePath;
    }

    /// <summary>The file this data set was read from ("" when built in memory): named in every error.</summary>
    public string SourcePath { get; }

    public IEnumerable<DicomElement> Elements => elements.Values;
    public bool Contains(DicomTag tag) => elements.ContainsKey(tag);
    public DicomElement? Find(DicomTag tag) => elements.GetValueOrDefault(tag);

    /// <summary>Adds or replaces an element.</summary>
    public void Set(DicomElement element) => elements[element.Tag] = element;

    public void SetString(DicomTag tag, string vr, string value)
    {
        // Strings are padded to even length: UIDs with NUL, everything else with a space (PS3.5 6.2).
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length % 2 == 1) bytes = [.. bytes, vr == "UI" ? (byte)0 : (byte)' '];
        Set(new DicomElement(tag, vr, bytes));
    }

    public void SetStrings(DicomTag tag, string vr, IEnumerable<string> values) => SetString(tag, vr, string.Join('\\', values));

    public void SetDecimals(DicomTag tag, IEnumerable<double> values) =>
        SetStrings(tag, "DS", values.Select(FormatDecimal));

    public void SetUInt16(DicomTag tag, params ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        Set(new DicomElement(tag, "US", bytes));
    }

    public void SetUInt32(DicomTag tag, string vr, params uint[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        Set(new DicomElement(tag, vr, bytes));
    }

    /// <summary>An attribute tag as a value (VR AT): group then element, each little endian.</summary>
    public void SetTagValue(DicomTag tag, DicomTag value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), value.Element);
        Set(new DicomElement(tag, "AT", bytes));
    }

    public void SetSequence(DicomTag tag, params DicomDataset[] items) => Set(new DicomElement(tag, items));

    /// <summary>
    /// DS allows 16 characters: the shortest round-trip form when it fits, else fewer significant digits
    /// (enough for positions in mm to well below a micrometre).
    /// </summary>
    public static string FormatDecimal(double value)
    {
        if (Math.Abs(value) < 1e-10) return "0";
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        for (int digits = 15; text.Length > 16 && digits > 1; digits--)
            text = value.ToString("G" + digits, CultureInfo.InvariantCulture);
        return text;
    }

    /// <summary>The value as text without trailing padding (spaces, NULs), or null when absent or empty.</summary>
    public string? GetString(DicomTag tag)
    {
        if (Find(tag) is not { } element || element.Items is not null || element.Fragments is not null) return null;
        string text = Encoding.Latin1.GetString(element.Value.Span).TrimEnd(' ', '\0').TrimStart(' ');
        return text.Length == 0 ? null : text;
    }

    /// <summary>The backslash-separated values, each trimmed; empty when absent.</summary>
    public string[] GetStrings(DicomTag tag) =>
        GetString(tag) is { } text ? text.Split('\\').Select(s => s.Trim(' ', '\0')).ToArray() : [];

    public string Require(DicomTag tag, string name) =>
        GetString(tag) ?? throw Problem($"{name} {tag} is missing");

    /// <summary>Decimal strings (DS) as numbers; absent = empty; a value that is not a finite number is an error.</summary>
    public double[] GetDecimals(DicomTag tag, string name)
    {
        var parts = GetStrings(tag);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw Problem($"{name} {tag} value \"{parts[i]}\" is not a number");
        return values;
    }

    /// <summary>One decimal string, or <paramref name="fallback"/> when absent.</summary>
    public double GetDecimal(DicomTag tag, string name, double fallback)
    {
        var values = GetDecimals(tag, name);
        return values.Length switch
        {
            0 => fallback,
            1 => values[0],
            _ => throw Problem($"{name} {tag} has {values.Length} values, expected one"),
        };
    }

    /// <summary>An integer string (IS), or <paramref name="fallback"/> when absent.</summary>
    public long GetInteger(DicomTag tag, string name, long fallback)
    {
        string? text = GetString(tag);
        if (text is null) return fallback;
        return long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Problem($"{name} {tag} value \"{text}\" is not an integer");
    }

    /// <summary>An unsigned short (US) that must be present.</summary>
    public ushort RequireUInt16(DicomTag tag, string name)
    {
        if (Find(tag) is not { } element || element.Items is not null) throw Problem($"{name} {tag} is missing");
        if (element.Value.Length != 2) throw Problem($"{name} {tag} is {element.Value.Length} bytes long, expected 2 (one US value)");
        return BinaryPrimitives.ReadUInt16LittleEndian(element.Value.Span);
    }

    public IReadOnlyList<DicomDataset> GetItems(DicomTag tag) => Find(tag)?.Items ?? [];

    public InvalidInputException Problem(string message) => new(SourcePath, message);
}
