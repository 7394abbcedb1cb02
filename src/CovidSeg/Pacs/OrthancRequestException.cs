namespace CovidSeg.Pacs;

/// <summary>Orthanc answered a request with an error that retrying will not fix; the message is one line.</summary>
public sealed class OrthancRequestException : CovidSegException
{
    public OrthancRequestException(int status, string message) : base(message) => Status = status;

    public int Status { get; }
}
