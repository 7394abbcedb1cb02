namespace CovidSeg.Tests.Runtime;

/// <summary>
/// Tests that reset or read the process's peak resident memory: it is one number for the whole test process, so they
/// must not run beside each other (a reset in one made the other's peak fall below its resident size).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "process memory";
}
