namespace CovidSeg.Cli;

/// <summary>Turns the first Ctrl-C into a cancellation the training loop honours (it saves, then stops); a second
/// Ctrl-C ends the process as usual.</summary>
public sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CtrlC() => Console.CancelKeyPress += OnCancel;

    public CancellationToken Token => _source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return;
        e.Cancel = true;
        Console.Error.WriteLine("\nstopping after this step and saving a checkpoint (Ctrl-C again to abort)");
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }
}
