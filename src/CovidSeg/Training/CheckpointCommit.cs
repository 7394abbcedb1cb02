using CovidSeg.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>
/// Writes a checkpoint and then run.json naming it (the commit point), and drops checkpoints no longer named; and
/// words the stop of a run that went non-finite, whose last good checkpoint stays as run.json names it.
/// </summary>
public static class CheckpointCommit
{
    /// <param name="averaged">The running weight average to keep with the checkpoint, or null.</param>
    public static RunManifest Save(string runDir, RunManifest manifest, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer, string name, nn.Module? averaged = null)
    {
        string relative = CheckpointStore.Save(runDir, name, model, optimizer, averaged);
        var updated = manifest with { LastCheckpoint = relative, Updated = DateTimeOffset.UtcNow };
        updated.Save(runDir);
        CheckpointStore.Prune(runDir, updated.LastCheckpoint, updated.BestCheckpoint, updated.AveragedCheckpoint);
        return updated;
    }

    /// <summary>
    /// The one-line error for a run that went non-finite. Nothing of the failed epoch is saved, so the run folder still
    /// holds the last good checkpoint, and run.json still names it (and the best one) as before.
    /// </summary>
    public static CovidSegException Stopped(string runDir, RunManifest manifest, string what)
    {
        string kept = manifest.LastCheckpoint is { } last
            ? $"the last good checkpoint, {Path.GetFileName(last)}, is kept in {runDir}"
            : "no epoch had finished, so no checkpoint was written";
        return new CovidSegException($"training stopped: {what}; {kept}. Lower the learning rate, or check the data for NaN or extreme values");
    }
}
