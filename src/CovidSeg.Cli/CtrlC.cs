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

    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private readonly string action;
    private int exitCode = CommandRunner.Failure;

    /// <param name="action">What the command does on the first signal, for the line it prints.</param>
    public CtrlC(string action = "stopping after this step and saving a checkpoint")
    {
        this.action = action;
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, InterruptedExitCode, "Ctrl-C"));
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, TerminatedExitCode, "SIGTERM"));
    }

    public CancellationToken Token => source.Token;

    /// <summary>The exit code of a run stopped by a signal: 130 (SIGINT) or 143 (SIGTERM).</summary>
    public int ExitCode => this.exitCode;

    private void OnSignal(PosixSignalContext context, int exitCode, string name)
    {
        if (source.IsCancellationRequested) return; // the second signal: default handling ends the process
        context.Cancel = true;
        this.exitCode = exitCode;
        Console.Error.WriteLine($"\n{name}: {this.action} (send it again to abort)");
        source.Cancel();
    }

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        source.Dispose();
    }
}
