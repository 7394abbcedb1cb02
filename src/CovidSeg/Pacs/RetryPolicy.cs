namespace CovidSeg.Pacs;

/// <summary>
/// Capped exponential backoff for an unreachable Orthanc: first, 2 x first, 4 x first ... never more than cap, so a
/// worker waiting out a long outage still notices within one cap of Orthanc coming back.
/// </summary>
public sealed record RetryPolicy(TimeSpan First, TimeSpan Cap)
{
    public static RetryPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>The wait before retry number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Delay(int attempt)
    {
        double seconds = First.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, Cap.TotalSeconds));
    }
}
