using System.Text.RegularExpressions;

namespace CovidSeg.Pacs;

/// <summary>Settings of <see cref="PacsWorker"/>.</summary>
/// <param name="WorkerId">Written into claims so people (and logs) can tell workers apart.</param>
/// <param name="PositionFile">Where the change-feed position is kept (<see cref="ChangeFeedPosition"/>).</param>
/// <param name="Once">Process what is pending, wait for series claimed by others to finish or go stale, then return.</param>
/// <param name="SeriesDescription">Only series whose Series Description matches; null = every CT series.</param>
/// <param name="ClaimTimeout">How long a claim holds; another worker takes over a series claimed longer ago (a dead worker).</param>
/// <param name="PollInterval">Wait between polls of /changes once caught up.</param>
/// <param name="BatchSize">Slices per forward pass.</param>
public sealed record WorkerOptions(string WorkerId, string PositionFile, bool Once = false, Regex? SeriesDescription = null,
    TimeSpan? ClaimTimeout = null, TimeSpan? PollInterval = null, int BatchSize = 1)
{
    public static readonly TimeSpan DefaultClaimTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    public TimeSpan Claim => ClaimTimeout ?? DefaultClaimTimeout;
    public TimeSpan Poll => PollInterval ?? DefaultPollInterval;
}
