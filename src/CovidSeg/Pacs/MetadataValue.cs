namespace CovidSeg.Pacs;

/// <summary>A metadata value of an Orthanc resource with its ETag (revision and MD5), for a compare-and-set.</summary>
public sealed record MetadataValue(string Value, string ETag);
