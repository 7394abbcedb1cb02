using System.Globalization;

namespace CovidSeg.Pacs;

/// <summary>
/// What the worker has recorded on a series, as one line of text in Orthanc metadata <see cref="WorkerMetadata.State"/>:
/// <c>claimed by WORKER until TIME</c>, <c>done TIME: DETAIL</c> or <c>failed TIME: REASON</c> (times in UTC, ISO 8601).
/// Plain text so a person reading the metadata in Orthanc Explorer understands it.
/// </summary>
public sealed record SeriesState(SeriesState.Kind State, DateTime Time, string Detail)
{
    public enum Kind { Claimed, Done, Failed }

    /// <summary>A claim held by <paramref name="worker"/> that others may take over after <paramref name="until"/>.</summary>
    public static SeriesState Claim(string worker, DateTime until) => new(Kind.Claimed, until, worker);
    public static SeriesState Done(DateTime at, string detail) => new(Kind.Done, at, detail);
    public static SeriesState Failed(DateTime at, string reason) => new(Kind.Failed, at, reason);

    public bool IsFinished => State != Kind.Claimed;

    public string Format() => State switch
    {
        Kind.Claimed => $"claimed by {Detail} until {Iso(Time)}",
        Kind.Done => $"done {Iso(Time)}: {Detail}",
        _ => $"failed {Iso(Time)}: {Detail}",
    };

    /// <summary>Reads a value written by <see cref="Format"/>; null for anything else (left alone by the worker).</summary>
    public static SeriesState? Parse(string text)
    {
        const string claimed = "claimed by ";
        if (text.StartsWith(claimed, StringComparison.Ordinal))
        {
            int until = text.LastIndexOf(" until ", StringComparison.Ordinal);
            if (until < claimed.Length || !TryTime(text[(until + 7)..], out var time)) return null;
            return Claim(text[claimed.Length..until], time);
        }
        foreach (var (prefix, kind) in new[] { ("done ", Kind.Done), ("failed ", Kind.Failed) })
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int colon = text.IndexOf(": ", prefix.Length, StringComparison.Ordinal);
            if (colon < 0 || !TryTime(text[prefix.Length..colon], out var time)) return null;
            return new SeriesState(kind, time, text[(colon + 2)..]);
        }
        return null;
    }

    private static string Iso(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool TryTime(string s, out DateTime time) =>
        DateTime.TryParseExact(s, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);
}
