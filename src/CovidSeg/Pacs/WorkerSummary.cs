namespace CovidSeg.Pacs;

/// <summary>Counts of one <see cref="PacsWorker.RunAsync"/>: series this worker finished, failed or passed over.</summary>
public sealed record WorkerSummary(int Done, int Failed, int Skipped);
