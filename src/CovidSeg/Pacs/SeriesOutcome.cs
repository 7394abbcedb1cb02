namespace CovidSeg.Pacs;

/// <summary>What one look at a series came to.</summary>
public enum SeriesOutcome
{
    /// <summary>Not for us: not CT, filtered out by description, deleted, or already done or failed.</summary>
    Skipped,
    /// <summary>Another worker holds a live claim: look again later.</summary>
    ClaimedElsewhere,
    Done,
    Failed,
}
