using System.CommandLine;
using System.Globalization;
using CovidSeg.Models;

namespace CovidSeg.Cli;

/// <summary>The network options (--arch, --width, --depth, --cardinality, --attention-levels) shared by summary,
/// train, cv and demo; <see cref="Build"/> turns a parse result into <see cref="ModelOptions"/>.</summary>
public sealed class ModelCommandOptions
{
    private static readonly ModelOptions Defaults = new();

    public Option<string> Arch { get; } = new("--arch") { Description = $"network: {Architectures.Listing()}", DefaultValueFactory = _ => Defaults.Arch };
    public Option<int> Width { get; } = new("--width") { Description = "filters of the first encoder level (doubling at each level)", DefaultValueFactory = _ => Defaults.BaseWidth };
    public Option<int> Depth { get; } = new("--depth") { Description = "down-sampling levels", DefaultValueFactory = _ => Defaults.Depth };
    public Option<int> Cardinality { get; } = new("--cardinality") { Description = "ResNeXt groups (must divide width x bottleneck ratio)", DefaultValueFactory = _ => Defaults.ResNeXt.Cardinality };
    public Option<string> AttentionLevels { get; } = new("--attention-levels")
    {
        Description = "decoder levels with LSH attention, comma-separated, 0 = deepest (empty = none)",
        DefaultValueFactory = _ => string.Join(",", Defaults.AttentionLevels),
    };

    public void AddTo(Command command, bool includeArch = true)
    {
        if (includeArch) command.Options.Add(Arch);
        command.Options.Add(Width);
        command.Options.Add(Depth);
        command.Options.Add(Cardinality);
        command.Options.Add(AttentionLevels);
    }

    public ModelOptions Build(ParseResult parse, int classes, string? arch = null)
    {
        var options = Defaults with
        {
            Arch = arch ?? parse.GetValue(Arch) ?? Defaults.Arch,
            Classes = classes,
            BaseWidth = parse.GetValue(Width),
            Depth = parse.GetValue(Depth),
            ResNeXt = Defaults.ResNeXt with { Cardinality = parse.GetValue(Cardinality) },
            AttentionLevels = ParseLevels(parse.GetValue(AttentionLevels) ?? ""),
        };
        options.Validate();
        return options;
    }

    private static IReadOnlyList<int> ParseLevels(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int level))
                throw new CovidSegException($"--attention-levels: '{part}' is not a whole number");
            levels.Add(level);
        }
        return levels;
    }
}
