using System.CommandLine;
using CovidSeg.Cli.Viewer;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg view RESULTS_DIR</c>: serves a page on 127.0.0.1 to look through what <c>predict</c> wrote, until Ctrl+C.</summary>
public static class ViewCommand
{
    public static Command Create()
    {
        var results = new Argument<DirectoryInfo>("RESULTS_DIR") { Description = "folder written by `covidseg predict --out`" };
        var port = new Option<int>("--port") { Description = "port on 127.0.0.1; 0 picks a free one", DefaultValueFactory = _ => 0 };
        var truth = new Option<DirectoryInfo?>("--gt") { Description = "folder of ground-truth masks named like the outputs (NAME.png, NAME.nii.gz or NAME.nii; NAME_0000 also finds NAME, as in nnU-Net folders): shown beside the prediction, with Dice" };
        var command = new Command("view", "Look through predict's results in a local web page (loopback only): slices, overlays, quantification, ground truth.");
        command.Arguments.Add(results);
        command.Options.Add(port);
        command.Options.Add(truth);
        command.SetHandler(parse =>
        {
            var catalog = ResultsCatalog.Load(parse.GetValue(results)!.FullName, parse.GetValue(truth)?.FullName);
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return Serve(catalog, parse.GetValue(port), stop.Token).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> Serve(ResultsCatalog catalog, int port, CancellationToken stop)
    {
        await using var server = await ViewerServer.StartAsync(catalog, port);
        Console.WriteLine($"viewing {catalog.Root} ({catalog.Entries.Count} inputs) at {server.Address}");
        Console.WriteLine("press Ctrl+C to stop");
        await server.WaitForShutdownAsync(stop);
        return CommandRunner.Success;
    }
}
