using System.Text.Json.Nodes;

namespace CovidSeg.Cli.Viewer;

/// <summary>
/// One input listed by the viewer: its predict report (NAME.json) or, for a failed input, its row of summary.csv.
/// Paths are found by the server from the results folder; the page only ever sends the entry's number.
/// </summary>
/// <param name="Name">The output stem (NAME of NAME.json), or the input's file name for a failed input.</param>
/// <param name="Input">The input as predict recorded it.</param>
/// <param name="ResolvedInput">The input file or folder found on disk, or null.</param>
/// <param name="Report">The predict report as written, sent to the page as is; null for a failed input.</param>
/// <param name="MaskPath">The predicted label file in the results folder, or null.</param>
/// <param name="TruthPath">The ground truth file from --gt, or null.</param>
public sealed record ViewerEntry(string Name, string Input, string? ResolvedInput, string Status, string? Error, JsonObject? Report,
    string? MaskPath, string? TruthPath);
