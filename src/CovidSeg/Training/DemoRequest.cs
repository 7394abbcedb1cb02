using CovidSeg.Data;

namespace CovidSeg.Training;

/// <summary>What <see cref="DemoPipeline"/> runs on and how long it trains.</summary>
/// <param name="OutputDirectory">OUT: the run goes to OUT/run, masks and overlays to OUT/predictions.</param>
/// <param name="NetworkSide">Side the slices are resized to for the network.</param>
public sealed record DemoRequest(ISegmentationDataset Data, string OutputDirectory, int NetworkSide, int Epochs, string Arch, int Seed, int Threads);
