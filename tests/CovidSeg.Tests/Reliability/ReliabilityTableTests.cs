using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using CovidSeg.Cli;
using CovidSeg.Phantom;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Inference;
using CovidSeg.Tests.Cli;
using CovidSeg.Tests.Imaging;
using CovidSeg.Tests.Imaging.Fuzz;
using CovidSeg.Training;
using Xunit.Abstractions;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Reliability;

/// <summary>
/// Tries the bad inputs and faults of issue 11 on the real command line and checks that each ends with its exit code.
/// With COVIDSEG_WRITE_RELIABILITY=1 it also writes docs/reliability.md: the table of cases, the exit code, what the
/// user is told and the files left, so the document is produced by the code it describes, never by hand.
/// </summary>
public sealed class ReliabilityTableTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder tmp = new();

    public void Dispose() => tmp.Dispose();

    private string T(string relative) => tmp.File(relative);

    private string Show(string text) => text.Replace(tmp.Path, "$TMP");

    private (int Code, string Said, string Command) Cli(params string[] args)
    {
        var (code, error) = CliRun.Invoke(args);
        return (code, error, "covidseg " + string.Join(' ', args));
    }

    /// <summary>The runner's line, or for predict the error cells of the failed rows of summary.csv.</summary>
    private (int Code, string Said, string Command) Predict(string output, params string[] args)
    {
        string[] threads = args.Contains("--threads") ? [] : ["--threads", "2"];
        var (code, said, command) = Cli(["predict", "--model", T("run"), "--out", output, .. threads, .. args]);
        string summary = Path.Combine(output, PredictionReports.SummaryFile);
        if (said.Length == 0 && File.Exists(summary))
        {
            var failed = File.ReadAllLines(summary).Skip(1).Select(CsvCells).Where(cells => cells[1] == "failed").Select(cells => cells[^1]);
            said = string.Join(" / ", failed.Select(f => "summary.csv: failed: " + f));
        }
        return (code, said, command);
    }

    /// <summary>The cells of one CSV line (RFC 4180 quoting).</summary>
    private static List<string> CsvCells(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }

    private static string Notes(string json) =>
        string.Join(" / ", System.Text.Json.JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("notes").EnumerateArray().Select(n => "note: " + n.GetString()));

    private void Setup()
    {
        PhantomExport.WriteSlices(T("data"), new PhantomDataset(6, seed: 2, new PhantomOptions { Size = 32 }));
        PhantomExport.WriteSlices(T("one"), new PhantomDataset(1, seed: 2, new PhantomOptions { Size = 32 }));
        var trained = Cli("train", "--data", T("data"), "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "2", "--aug", "none", "--threads", "2", "--out", T("run"));
        Assert.Equal(0, trained.Code);
        File.WriteAllText(T("afile"), "x");
    }

    private static byte[] BlackPng(int width, int height)
    {
        // All-black 8-bit grey rows, compressed as they are produced: the file is small, the pixels are not.
        var data = new MemoryStream();
        using (var z = new ZLibStream(data, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[width + 1];
            for (int y = 0; y < height; y++) z.Write(row);
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        return HandMadePng.Assemble([("IHDR", ihdr), ("IDAT", data.ToArray()), ("IEND", Array.Empty<byte>())]);
    }

    private string Volume(string name, Action<float[]> edit, float? slope = null)
    {
        var phantom = ChestPhantom.GenerateVolume(32, 32, 3, seed: 9);
        float[] data = (float[])phantom.Hounsfield.Clone();
        edit(data);
        string folder = T("ct-" + name);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name + ".nii");
        NiftiWriter.Write(path, new NiftiVolume(NiftiHeader.Create(32, 32, 3, 0.8, 0.8, 2), data), NiftiDataType.Float32);
        if (slope is { } s)
        {
            byte[] bytes = File.ReadAllBytes(path);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(112), s);
            File.WriteAllBytes(path, bytes);
        }
        return path;
    }

    /// <summary>An nnU-Net-style data folder with one phantom CT volume (3 slices) holding a 10 x 10 NaN patch.</summary>
    private string NaNTrainingData()
    {
        var phantom = ChestPhantom.GenerateVolume(32, 32, 3, seed: 9);
        float[] data = (float[])phantom.Hounsfield.Clone();
        for (int y = 10; y < 20; y++) for (int x = 5; x < 15; x++) data[y * 32 + x] = float.NaN;
        string root = T("nan-data");
        foreach (string folder in new[] { "imagesTr", "labelsTr" }) Directory.CreateDirectory(Path.Combine(root, folder));
        NiftiWriter.Write(Path.Combine(root, "imagesTr", "case_0000.nii.gz"), new NiftiVolume(NiftiHeader.Create(32, 32, 3), data), NiftiDataType.Float32);
        NiftiWriter.Write(Path.Combine(root, "labelsTr", "case.nii.gz"), new NiftiVolume(NiftiHeader.Create(32, 32, 3), Array.ConvertAll(phantom.Labels, l => (float)l)), NiftiDataType.UInt8);
        return root;
    }

    private string Folder(string name, params (string File, byte[] Bytes)[] files)
    {
        string folder = T(name);
        Directory.CreateDirectory(folder);
        foreach (var (file, bytes) in files) File.WriteAllBytes(Path.Combine(folder, file), bytes);
        return folder;
    }

    private byte[] Slice() => File.ReadAllBytes(Path.Combine(T("data"), "images", "phantom-0000.png"));

    private (int, string, string) Signal(string signal)
    {
        string run = T("signal-" + signal);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        string[] args = ["train", "--phantom", "6", "--side", "32", "--arch", "unet", "--width", "8", "--depth", "2", "--epochs", "10000", "--aug", "none", "--threads", "1", "--out", run];
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "covidseg.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(run, RunManifest.FileName)) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(100);
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()])) kill.WaitForExit();
        if (!process.WaitForExit(60_000)) process.Kill();
        process.WaitForExit();
        // libtorch's "[W ...] Could not initialize NNPACK" warnings on this CPU are left out.
        string said = string.Join(" / ", stderr.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("[W", StringComparison.Ordinal)));
        return (process.ExitCode, said, $"covidseg {string.Join(' ', args)}, then kill -{signal} after the first epoch");
    }

    private IReadOnlyList<ReliabilityCase> Cases() =>
    [
        new("1", "20000 x 20000 all-black PNG (a decompression bomb) beside a good slice", CommandRunner.PartialFailure, "p1",
            () => Predict(T("p1"), "--input", Folder("in1", ("bomb.png", BlackPng(20000, 20000)), ("good.png", Slice())))),
        new("1", "JPEG whose header claims 60000 x 60000", CommandRunner.Failure, "p1j",
            () => Predict(T("p1j"), "--input", Folder("in1j", ("huge.jpg", HugeJpeg())))),
        new("1", "a 60 x 60 slice with --max-pixels 3599", CommandRunner.Failure, "p1m",
            () => Predict(T("p1m"), "--input", Folder("in1m", ("small.png", HandMadePng.Grey8(60, 60, new byte[3600]))), "--max-pixels", "3599")),
        new("1", ".nii.gz of 4 KiB whose header claims 1000 x 1000 x 1000 voxels", CommandRunner.Failure, "p1n",
            () => Predict(T("p1n"), "--input", new HandBuiltNifti().Dims(1000, 1000, 1000).DataType(2, 8).RawData(new byte[4096]).WriteTo(T("bomb.nii.gz")))),
        new("2", "74-byte PNG claiming 60000 x 60000 between two good slices", CommandRunner.PartialFailure, "p2",
            () => Predict(T("p2"), "--input", Folder("in2", ("1.png", Slice()), ("2.png", ImagePixelLimitTests.HeaderOnlyPng(60000, 60000)), ("3.png", Slice())))),
        new("3", "3.jpg and 3.png in one folder", CommandRunner.Failure, "p3",
            () => Predict(T("p3"), "--input", Folder("in3", ("3.png", Slice()), ("3.jpg", File.ReadAllBytes(Jpeg()))))),
        new("3", "two --input folders holding the same file name", CommandRunner.Failure, "p3b",
            () => Predict(T("p3b"), "--input", Folder("in3a", ("a.png", Slice())), "--input", Folder("in3b", ("a.png", Slice())))),
        new("4", "CT volume with a 10 x 10 NaN patch", CommandRunner.Success, "p4",
            () => { var r = Predict(T("p4"), "--input", Volume("nan-patch", d => { for (int y = 10; y < 20; y++) for (int x = 5; x < 15; x++) d[y * 32 + x] = float.NaN; })); return (r.Code, Notes(Path.Combine(T("p4"), "nan-patch.json")), r.Command); }),
        new("4", "CT volume of NaN only", CommandRunner.Failure, "p4b",
            () => Predict(T("p4b"), "--input", Volume("all-nan", d => Array.Fill(d, float.NaN)))),
        new("4", "scl_slope = 0", CommandRunner.Success, "p4c",
            () => { var r = Predict(T("p4c"), "--input", Volume("slope-zero", _ => { }, slope: 0)); return (r.Code, Notes(Path.Combine(T("p4c"), "slope-zero.json")), r.Command); }),
        new("4", "scl_slope = NaN", CommandRunner.Failure, "p4d",
            () => Predict(T("p4d"), "--input", Volume("slope-nan", _ => { }, slope: float.NaN))),
        new("4", "train on imagesTr/ + labelsTr/ whose CT volume holds NaN voxels", CommandRunner.Failure, "t4",
            () => Cli("train", "--data", NaNTrainingData(), "--labels", "medseg", "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "1",
                "--aug", "none", "--threads", "2", "--val-fraction", "0", "--out", T("t4"))),
        new("5", "train --out below a regular file", CommandRunner.Failure, "afile",
            () => Cli("train", "--data", T("data"), "--out", T("afile/run"))),
        new("5", "train --out that is a file", CommandRunner.Failure, "afile",
            () => Cli("train", "--data", T("data"), "--out", T("afile"))),
        new("5", "predict --out below a regular file", CommandRunner.Failure, "afile",
            () => Cli("predict", "--model", T("run"), "--input", T("data/images"), "--out", T("afile/p"))),
        new("5", "evaluate --out below a regular file", CommandRunner.Failure, "afile",
            () => Cli("evaluate", "--pred", T("data/masks"), "--gt", T("data"), "--out", T("afile/m"))),
        new("5", "train --val-fraction nan", CommandRunner.Failure, "t5a",
            () => Cli("train", "--data", T("data"), "--val-fraction", "nan", "--out", T("t5a"))),
        new("5", "train --folds 1", CommandRunner.Failure, "t5b",
            () => Cli("train", "--data", T("data"), "--folds", "1", "--out", T("t5b"))),
        new("5", "train --folds 99 on 6 slices", CommandRunner.Failure, "t5c",
            () => Cli("train", "--data", T("data"), "--folds", "99", "--out", T("t5c"))),
        new("5", "train on a single image/mask pair", CommandRunner.Failure, "t5d",
            () => Cli("train", "--data", T("one"), "--out", T("t5d"))),
        new("5", "train --resume with a corrupt rng.bin", CommandRunner.Failure, "r5",
            () => { string run = CopyRun("r5"); File.WriteAllBytes(RngOf(run), new byte[RngStateFile.Size]); return Cli("train", "--out", run, "--resume", "--threads", "2"); }),
        new("6", "predict --threads 100000", CommandRunner.Failure, "p6",
            () => Predict(T("p6"), "--input", T("data/images"), "--threads", "100000")),
        new("7", "evaluate with predictions for 2 of 6 ground-truth masks", CommandRunner.Failure, "e7",
            () => Cli("evaluate", "--pred", Folder("e7", ("phantom-0000.png", File.ReadAllBytes(T("data/masks/phantom-0000.png"))), ("phantom-0001.png", File.ReadAllBytes(T("data/masks/phantom-0001.png")))), "--gt", T("data"), "--labels", "medseg")),
        new("7", "the same with --subset", CommandRunner.Success, "e7",
            () => Cli("evaluate", "--pred", T("e7"), "--gt", T("data"), "--labels", "medseg", "--subset")),
        new("8", "train --val-fraction 0 (every slice trains)", CommandRunner.Success, "t8",
            () => Cli("train", "--data", T("data"), "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "1", "--aug", "none", "--threads", "2", "--val-fraction", "0", "--out", T("t8"))),
        new("9", "train --resume without --data", CommandRunner.Success, "r9a",
            () => Cli("train", "--out", CopyRun("r9a"), "--resume", "--threads", "2")),
        new("9", "train --resume --epochs 35 (run made with --epochs 2)", CommandRunner.Failure, "r9b",
            () => Cli("train", "--out", CopyRun("r9b"), "--resume", "--epochs", "35", "--threads", "2")),
        new("9", "train --resume with rng.bin deleted", CommandRunner.Failure, "r9c",
            () => { string run = CopyRun("r9c"); File.Delete(RngOf(run)); return Cli("train", "--out", run, "--resume", "--threads", "2"); }),
        new("9", "train --resume with a .log.csv.*.partial left by a kill", CommandRunner.Success, "r9d",
            () => { string run = CopyRun("r9d"); File.WriteAllText(Path.Combine(run, ".log.csv.0123abcd.partial"), "x"); return Cli("train", "--out", run, "--resume", "--threads", "2"); }),
        new("9", "predict --out equal to the input folder", CommandRunner.Failure, "in9",
            () => Predict(Folder("in9", ("a.png", Slice())), "--input", T("in9"))),
        new("9", "SIGTERM during train", CtrlC.TerminatedExitCode, "signal-TERM", () => Signal("TERM")),
        .. (SignalDisposition.SigintIgnored ? Array.Empty<ReliabilityCase>() :
            [new("9", "Ctrl-C (SIGINT) during train", CtrlC.InterruptedExitCode, "signal-INT", () => Signal("INT"))]),
    ];

    private string Jpeg()
    {
        string path = T("slice.jpg");
        if (!File.Exists(path)) ImageFileTests.WriteJpeg(path, 32, 32, SkiaSharp.SKColorType.Gray8, new byte[32 * 32]);
        return path;
    }

    private byte[] HugeJpeg()
    {
        byte[] jpeg = File.ReadAllBytes(Jpeg());
        int sof = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60000);
        return jpeg;
    }

    private string CopyRun(string name)
    {
        string to = T(name);
        foreach (string file in Directory.GetFiles(T("run"), "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(T("run"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return to;
    }

    private static string RngOf(string run) => Path.Combine(run, RunManifest.Load(run).LastCheckpoint!, CheckpointStore.RngFile);

    private string FilesLeft(string output)
    {
        string folder = T(output);
        if (File.Exists(folder)) return "(a file: unchanged)";
        if (!Directory.Exists(folder)) return "none (folder not created)";
        var names = Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    [Fact]
    public async Task EveryCaseEndsWithItsExitCodeAndOneLine()
    {
        Setup();
        var outcomes = new List<ReliabilityOutcome>();
        foreach (var c in Cases())
        {
            var (code, said, command) = c.Run();
            outcomes.Add(new ReliabilityOutcome(c, code, Show(said), Show(command), Show(FilesLeft(c.Output))));
        }
        foreach (var o in outcomes) output.WriteLine($"{o.Case.What}: {o.Code} {o.Said} | {o.FilesLeft}");
        foreach (var o in outcomes)
        {
            Assert.True(o.Code == o.Case.ExpectedExitCode, $"{o.Case.What}: exit code {o.Code}, expected {o.Case.ExpectedExitCode}: {o.Said}");
            Assert.DoesNotContain("   at ", o.Said); // no stack trace
            if (o.Code == CommandRunner.Failure) Assert.True(o.Said.StartsWith("error: ", StringComparison.Ordinal) || o.Said.StartsWith("summary.csv: failed: ", StringComparison.Ordinal), $"{o.Case.What}: {o.Said}");
        }

        if (Environment.GetEnvironmentVariable("COVIDSEG_WRITE_RELIABILITY") != "1") return;
        // A table without the Ctrl-C row would misstate what was tried.
        Assert.False(SignalDisposition.SigintIgnored, "run with COVIDSEG_WRITE_RELIABILITY=1 in the foreground: this process ignores SIGINT");
        var fuzz = await ReaderFuzzTests.Run(ReaderFuzzTests.DefaultSeed, ReaderFuzzTests.DefaultBudget, 20_000);
        await File.WriteAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "reliability.md"), Markdown(outcomes, fuzz));
    }

    private static string Markdown(IReadOnlyList<ReliabilityOutcome> outcomes, ReaderFuzzTests.FuzzSummary fuzz)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Reliability: bad input and faults");
        sb.AppendLine();
        sb.AppendLine("Produced by `COVIDSEG_WRITE_RELIABILITY=1 dotnet test CovidSeg.slnx --filter FullyQualifiedName~ReliabilityTableTests`");
        sb.AppendLine($"(tests/CovidSeg.Tests/Reliability/ReliabilityTableTests.cs) on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. The same test runs in the suite without");
        sb.AppendLine("writing this file and fails when a case ends with another exit code, a stack trace, or an error without the `error:` line.");
        sb.AppendLine("`$TMP` is the test's scratch folder. \"Issue\" is the item of issue 11 the case comes from.");
        sb.AppendLine();
        sb.AppendLine("Exit codes: 0 success, 1 error (nothing or nothing more was done), 2 `predict` segmented some inputs but not all,");
        sb.AppendLine("130 training stopped by Ctrl-C and 143 by SIGTERM, in both cases after saving the current step.");
        sb.AppendLine("A failure inside libtorch ends with exit code 1 and one line holding libtorch's first line and the path of a report file");
        sb.AppendLine("in the temporary folder with its whole message, C++ frames and .NET stack (tests/CovidSeg.Tests/Cli/LibtorchErrorReportTests.cs).");
        sb.AppendLine();
        sb.AppendLine("| issue | case | exit code | what the user is told | files left in the output folder |");
        sb.AppendLine("|---|---|---:|---|---|");
        foreach (var o in outcomes)
            sb.AppendLine($"| {o.Case.Issue} | {Cell(o.Case.What)}<br>`{Cell(o.Command)}` | {o.Code} | {Cell(o.Said.Length == 0 ? "(nothing on stderr)" : o.Said)} | {Cell(o.FilesLeft)} |");
        sb.AppendLine();
        sb.AppendLine("## Fuzzing the readers");
        sb.AppendLine();
        sb.AppendLine("tests/CovidSeg.Tests/Imaging/Fuzz/ReaderFuzzTests.cs damages valid PNG (grey 8/16-bit, palette, RGB), JPEG (grey, colour) and");
        sb.AppendLine("NIfTI (.nii, .nii.gz) files with seeded random mutations and reads them; every case must end in `CovidSegException`");
        sb.AppendLine("or a valid image, within 10 s and 64 MiB of managed allocation. COVIDSEG_FUZZ_SEED and COVIDSEG_FUZZ_SECONDS search");
        sb.AppendLine("other seeds or longer. The suite's run:");
        sb.AppendLine();
        sb.AppendLine($"- {fuzz}.");
        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ").Replace("\r", "");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CovidSeg.slnx"))) return dir.FullName;
        throw new InvalidOperationException("CovidSeg.slnx not found above " + AppContext.BaseDirectory);
    }
}
