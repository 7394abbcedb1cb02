using System.Runtime.InteropServices;

namespace CovidSeg.Cli;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM (what <c>docker stop</c>, Kubernetes and systemd send) into a
/// cancellation the training loop honours: it saves the current step, then stops. A second signal ends the process as
/// usual. <see cref="ExitCode"/> follows the shell convention 128 + signal number, so an interrupted run is told apart
/// from an error: 130 after Ctrl-C, 143 after SIGTERM.
/// </summary>
public sealed class CtrlC : IDisposable
{
    public const int InterruptedExitCode = 130;
    public const int TerminatedExitCode = 143;

    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private readonly string _action;
    private int _exitCode = CommandRunner.Failure;

    /// <param name="action">What the command does on the first signal, for the line it prints.</param>
    public CtrlC(string action = "stopping after this step and saving a checkpoint")
    {
        _action = action;
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, InterruptedExitCode, "Ctrl-C"));
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, TerminatedExitCode, "SIGTERM"));
    }

    public CancellationToken Token => _source.Token;

    /// <summary>The exit code of a run stopped by a signal: 130 (SIGINT) or 143 (SIGTERM).</summary>
    public int ExitCode => _exitCode;

    private void OnSignal(PosixSignalContext context, int exitCode, string name)
    {
        if (_source.IsCancellationRequested) return; // the second signal: default handling ends the process
        context.Cancel = true;
        _exitCode = exitCode;
        Console.Error.WriteLine($"\n{name}: {_action} (send it again to abort)");
        _source.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }
}
