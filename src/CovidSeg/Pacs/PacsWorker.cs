using System.Diagnostics;
using System.Text.Json;
using CovidSeg.Inference;
using CovidSeg.IO;

namespace CovidSeg.Pacs;

/// <summary>
/// Follows Orthanc's change feed and segments each stable CT series once: claim it (compare-and-set on
/// <see cref="WorkerMetadata.State"/>), download its instances, run <see cref="Predictor"/>, upload the DICOM
/// Segmentation into the same study, attach the quantification and HTML report, mark it done (or failed, with the
/// one-line reason). Orthanc is the only coordinator: any number of workers can follow the same feed.
/// </summary>
public sealed class PacsWorker(OrthancClient orthanc, Ensemble model, WorkerOptions options, Action<string> log)
{
    private readonly ChangeFeedPosition position = new(options.PositionFile);
    private int done, failed, skipped;

    /// <summary>
    /// Runs until cancelled (or, with <see cref="WorkerOptions.Once"/>, until nothing is pending). Cancelling abandons
    /// the current series cleanly: its claim is released and the feed position stays before it.
    /// </summary>
    public async Task<WorkerSummary> RunAsync(CancellationToken ct)
    {
        long since = this.position.Load(), saved = since;
        var waiting = new List<string>(); // series claimed by live workers: looked at again until finished or stale
        log($"worker {options.WorkerId}: following {orthanc.BaseUri}changes from change {since}");
        while (true)
        {
            var changes = await orthanc.GetJsonAsync($"changes?since={since}&limit=100", ct);
            foreach (var change in changes.GetProperty("Changes").EnumerateArray())
            {
                long seq = change.GetProperty("Seq").GetInt64();
                if (change.GetProperty("ChangeType").GetString() == "StableSeries")
                {
                    if (await HandleAsync(change.GetProperty("ID").GetString()!, ct) == SeriesOutcome.ClaimedElsewhere)
                        waiting.Add(change.GetProperty("ID").GetString()!);
                    this.position.Save(saved = seq); // past each series dealt with; other changes are saved with the batch
                }
                since = seq;
            }
            long last = changes.GetProperty("Last").GetInt64();
            if (last < since)
            {
                // Orthanc's feed ends before our position: a new database. Replaying is safe (states are in Orthanc).
                log($"worker {options.WorkerId}: Orthanc's change feed ends at {last}, before our position {since} (a new database?): replaying from change 0");
                this.position.Save(saved = since = 0);
                continue;
            }
            since = last;
            if (since != saved) this.position.Save(saved = since);
            if (!changes.GetProperty("Done").GetBoolean()) continue;

            foreach (string id in waiting.ToList())
                if (await HandleAsync(id, ct) != SeriesOutcome.ClaimedElsewhere) waiting.Remove(id);
            if (options.Once && waiting.Count == 0) break;
            await Task.Delay(options.Poll, ct);
        }
        log($"worker {options.WorkerId}: caught up at change {since}: {this.done} done, {this.failed} failed, {this.skipped} skipped");
        return new WorkerSummary(this.done, this.failed, this.skipped);
    }

    /// <summary>Looks at one series and processes it when it is a CT series nobody has done or holds.</summary>
    public async Task<SeriesOutcome> HandleAsync(string seriesId, CancellationToken ct)
    {
        string resource = "series/" + seriesId;
        if (await orthanc.TryGetJsonAsync(resource, ct) is not { } series) return Count(SeriesOutcome.Skipped);
        var tags = series.GetProperty("MainDicomTags");
        if (Tag(tags, "Modality") != "CT") return Count(SeriesOutcome.Skipped);
        if (options.SeriesDescription is { } filter && !filter.IsMatch(Tag(tags, "SeriesDescription")))
            return Count(SeriesOutcome.Skipped);

        string? claim = await ClaimAsync(resource, ct);
        if (claim is null) return Count(SeriesOutcome.Skipped);
        if (claim.Length == 0) return SeriesOutcome.ClaimedElsewhere;
        try
        {
            var (final, summary) = await ProcessAsync(seriesId, series, ct);
            if (await orthanc.PutMetadataAsync(resource, WorkerMetadata.State, final.Format(), claim, ct) is null)
                log($"series {seriesId}: another worker took it over while it ran (longer than the claim timeout {options.Claim.TotalSeconds:0} s)");
            else if (summary is not null)
                log(summary); // once the state says done, so the log never runs ahead of Orthanc
            return Count(final.State == SeriesState.Kind.Done ? SeriesOutcome.Done : SeriesOutcome.Failed);
        }
        catch (Exception e) when (e is not OrthancRequestException { Status: 401 or 403 })
        {
            // Abandoned (SIGTERM) or a local fault (disk full, a bug): give the series back at once rather than after
            // the claim timeout, then stop; a restarted worker (systemd, Docker) tries it again.
            using var release = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await orthanc.DeleteMetadataAsync(resource, WorkerMetadata.State, claim, release.Token);
                log(ct.IsCancellationRequested ? $"series {seriesId}: abandoned, claim released" : $"series {seriesId}: claim released after {e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}");
            }
            catch (Exception failure) when (failure is OperationCanceledException or CovidSegException)
            {
                log($"series {seriesId}: abandoned; its claim could not be released and expires after {options.Claim.TotalSeconds:0} s");
            }
            throw;
        }
    }

    /// <summary>
    /// The claim's ETag when this worker now holds the series; "" when another worker holds a live claim; null when the
    /// series is finished (done or failed) or its state is not ours to touch.
    /// </summary>
    private async Task<string?> ClaimAsync(string resource, CancellationToken ct)
    {
        while (true)
        {
            var current = await orthanc.GetMetadataAsync(resource, WorkerMetadata.State, ct);
            SeriesState? state = null;
            if (current is not null)
            {
                state = SeriesState.Parse(current.Value);
                if (state is null || state.IsFinished) return null;
                if (state.Time > DateTime.UtcNow) return "";
            }
            var mine = SeriesState.Claim(options.WorkerId, DateTime.UtcNow + options.Claim);
            // Without an ETag Orthanc creates the value only if absent; with one, replaces it only if unchanged.
            if (await orthanc.PutMetadataAsync(resource, WorkerMetadata.State, mine.Format(), current?.ETag, ct) is { } etag)
            {
                if (state is not null) log($"{resource}: took over the stale claim of {state.Detail}");
                return etag;
            }
            // Another worker wrote first: look at what it wrote.
        }
    }

    /// <summary>Downloads, segments and uploads one claimed series; a series the reader refuses becomes a failed state.</summary>
    private async Task<(SeriesState State, string? Summary)> ProcessAsync(string seriesId, JsonElement series, CancellationToken ct)
    {
        string resource = "series/" + seriesId;
        string work = Path.Combine(Path.GetTempPath(), "covidseg-worker-" + Guid.NewGuid().ToString("N"));
        string input = Path.Combine(work, seriesId);
        string output = Path.Combine(work, "out");
        Directory.CreateDirectory(input);
        Directory.CreateDirectory(output);
        var clock = Stopwatch.StartNew();
        try
        {
            var instances = series.GetProperty("Instances").EnumerateArray().Select(i => i.GetString()!).ToList();
            for (int i = 0; i < instances.Count; i++)
                await File.WriteAllBytesAsync(Path.Combine(input, $"{i:D5}.dcm"), await orthanc.GetBytesAsync($"instances/{instances[i]}/file", ct), ct);
            double download = clock.Elapsed.TotalSeconds;

            var predictor = new Predictor(model, new PredictionOptions(output, BatchSize: options.BatchSize));
            PredictionOutcome outcome;
            try
            {
                // On a worker thread so a SIGTERM need not wait for the network to finish the series.
                outcome = await Task.Run(() => predictor.PredictOne(input), CancellationToken.None).WaitAsync(ct);
            }
            catch (CovidSegException e)
            {
                return Fail(seriesId, e is InvalidInputException bad ? bad.Problem : e.Message.Replace(input, resource));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(seriesId, $"unexpected {e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}");
            }
            double segment = clock.Elapsed.TotalSeconds - download;
            PredictionReports.Write(output, [outcome], model.Labels, model.Members.Select(m => m.RunDirectory).ToList(), model.Tta, model.Precision);

            string detail = "no lesion found, no DICOM Segmentation";
            string segFile = Path.Combine(output, seriesId + "_seg.dcm");
            if (File.Exists(segFile))
            {
                var stored = await orthanc.PostBytesAsync("instances", await File.ReadAllBytesAsync(segFile, ct), ct);
                string study = series.GetProperty("ParentStudy").GetString()!;
                if (stored.GetProperty("ParentStudy").GetString() != study)
                    return Fail(seriesId, $"the uploaded DICOM Segmentation landed in study {stored.GetProperty("ParentStudy").GetString()}, not {study}");
                string segSeries = stored.GetProperty("ParentSeries").GetString()!;
                await orthanc.SetMetadataAsync(resource, WorkerMetadata.SegmentationSeries, segSeries, ct);
                detail = $"DICOM Segmentation in series {segSeries}";
            }
            // The report names its input: the series in Orthanc, not the temporary download folder.
            var quantification = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, seriesId + ".json"), ct))!;
            quantification["input"] = $"{orthanc.BaseUri}{resource}";
            await orthanc.SetMetadataAsync(resource, WorkerMetadata.Quantification, quantification.ToJsonString(JsonConvention.Options), ct);
            await orthanc.SetAttachmentAsync(resource, WorkerMetadata.HtmlReportAttachment, await File.ReadAllBytesAsync(Path.Combine(output, PredictionReports.HtmlFile), ct), ct);
            double upload = clock.Elapsed.TotalSeconds - download - segment;
            var report = outcome.Report!;
            return (SeriesState.Done(DateTime.UtcNow, detail),
                $"series {seriesId}: done in {clock.Elapsed.TotalSeconds:0.0} s (download {download:0.0} s for {instances.Count} instances, segment {segment:0.0} s, upload {upload:0.0} s); opacity {InfectionQuantification.F(report.PercentOpacity)} % of lung; {detail}");
        }
        catch (OrthancRequestException e) when (e.Status is not (401 or 403))
        {
            // Orthanc refused something about this series (e.g. the upload): record it and go on with the others.
            return Fail(seriesId, e.Message);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private (SeriesState, string?) Fail(string seriesId, string reason)
    {
        reason = reason.Split('\n')[0].Trim();
        log($"series {seriesId}: failed: {reason}");
        return (SeriesState.Failed(DateTime.UtcNow, reason), null);
    }

    private SeriesOutcome Count(SeriesOutcome outcome)
    {
        switch (outcome)
        {
            case SeriesOutcome.Done: this.done++; break;
            case SeriesOutcome.Failed: this.failed++; break;
            case SeriesOutcome.Skipped: this.skipped++; break;
        }
        return outcome;
    }

    private static string Tag(JsonElement tags, string name) => tags.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
}
