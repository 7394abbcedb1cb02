using System.CommandLine;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg synth</c>: writes a synthetic chest-CT phantom data set in the images/ + masks/ layout.</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "folder to write images/ and masks/ into", Required = true };
        var count = new Option<int>("--count", "-n") { Description = "number of slices", DefaultValueFactory = _ => 16 };
        var size = new Option<int>("--size") { Description = "side of each square slice in pixels", DefaultValueFactory = _ => 256 };
        var seed = CommonOptions.Seed();
        var command = new Command("synth", "Write a seeded synthetic chest-CT phantom data set (images/*.png + masks/*.png) with exact masks.");
        command.Options.Add(output);
        command.Options.Add(count);
        command.Options.Add(size);
        command.Options.Add(seed);
        command.SetHandler(parse =>
        {
            throw new CovidSegException("synth is not implemented yet");
        });
        return command;
    }
}
