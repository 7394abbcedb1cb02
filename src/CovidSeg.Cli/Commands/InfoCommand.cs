using System.CommandLine;
using CovidSeg.Runtime;
using Spectre.Console;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg info</c>: versions, threads, CPU features, and proof that libtorch runs here.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var threads = CommonOptions.Threads();
        var checkBackward = new Option<bool>("--check-backward")
        {
            Description = "also check oneDNN's convolution gradients against libtorch's own for 4, 8 and 16 channels (a few seconds)",
        };
        var command = new Command("info", "Print CovidSeg, TorchSharp and libtorch versions, threads, CPU features, the oneDNN instruction set and backward kernels, NNPACK and the native loader fix; run one tensor operation.");
        command.Options.Add(threads);
        command.Options.Add(checkBackward);
        command.SetHandler(parse =>
        {
            TorchRuntime.Configure(parse.GetValue(threads));
            float check = TorchRuntime.SmokeTest();
            var info = TorchRuntime.Describe();
            var table = new Table().AddColumn("item").AddColumn("value");
            table.AddPlainRow("CovidSeg", info.CovidSegVersion);
            table.AddPlainRow("TorchSharp", info.TorchSharpVersion);
            table.AddPlainRow("libtorch", info.LibTorchVersion);
            table.AddPlainRow("threads", info.Threads.ToString());
            table.AddPlainRow("logical cores", Environment.ProcessorCount.ToString());
            table.AddPlainRow("OMP_WAIT_POLICY", Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)");
            table.AddPlainRow("freed memory kept for reuse", NativeEnvironment.FreedMemoryRetained ? "yes (glibc mallopt; COVIDSEG_HEAP=default turns it off)" : "no (allocator default)");
            table.AddPlainRow("AVX2", YesNo(info.Avx2));
            table.AddPlainRow("AVX-512", YesNo(info.Avx512));
            table.AddPlainRow("bf16 instructions", YesNo(info.Bf16));
            table.AddPlainRow("oneDNN instruction set", info.OneDnnIsa);
            table.AddPlainRow("NNPACK", info.Nnpack);
            table.AddPlainRow("native library", info.NativeLibraryPath.Length > 0 ? info.NativeLibraryPath : "(not found beside the executable)");
            table.AddPlainRow("GLIBCXX_3.4.32 fix", info.NativeFixApplied ? "applied (version need marked weak at build time)" : "not needed / not applied");
            table.AddPlainRow("tensor check", check == 83f ? "ok ([[0,1,2],[3,4,5]] x its transpose sums to 83)" : $"WRONG: got {check}, expected 83");
            if (parse.GetValue(checkBackward))
                foreach (var (channels, verdict) in ConvolutionBackwardCheck.Run(ConvolutionBackwardCheck.DefaultChannels))
                    table.AddPlainRow($"backward kernels, Conv2d({channels}, {channels}, 3)", verdict.Reason);
            AnsiConsole.Write(table);
            return check == 83f ? CommandRunner.Success : CommandRunner.Failure;
        });
        return command;
    }

    private static string YesNo(bool b) => b ? "yes" : "no";
}
