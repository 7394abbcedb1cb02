using System.Runtime;

namespace CovidSeg.Runtime;

/// <summary>
/// Runs tensor work with the garbage collector held off, so that TorchSharp's temporary scalars outlive the libtorch
/// calls that read them.
/// <para>
/// TorchSharp 0.107 turns a number passed to a tensor operation (the alpha of <c>x + y</c>, Adam's step sizes, a
/// clamp bound) into a <c>Scalar</c> object and hands libtorch only its native pointer. Nothing references the
/// object during the call, so a collection started by another thread at that moment lets the finalizer thread free
/// the scalar while libtorch still reads it: the call fails with "Expected false to be true" from <c>toFloat</c> in
/// c10/core/Scalar.h, or reads a wrong number. Training hit this about once in a few hours (docs/reliability.md has
/// the 20-line reproduction, which fails within seconds). Inside a section no collection runs unless the whole
/// process allocates more than <see cref="BudgetBytes"/> of managed memory, which a training step or an inference
/// pass does not come near; collections happen between sections, when no scalar is in flight.
/// </para>
/// Sections nest and may be entered from several threads: the pause starts with the first and ends with the last.
/// Starting a pause costs one blocking collection (0.1-0.5 ms here), so enter once per step or per image, not per layer.
/// </summary>
public static class CollectionPause
{
    /// <summary>Managed allocation the process may make inside a section before the runtime collects anyway.</summary>
    public const long BudgetBytes = 128L << 20;

    private static readonly Lock Gate = new();
    private static int depth;
    private static bool pausedHere;
    private static long broken;

    /// <summary>
    /// Sections that ended with collection running again because the process allocated more than the budget (or
    /// another part of the process ended the pause); their work ran unprotected from that point.
    /// </summary>
    public static long Broken => Interlocked.Read(ref broken);

    /// <summary>True while some section holds the pause.</summary>
    public static bool Active
    {
        get { lock (Gate) return depth > 0 && pausedHere; }
    }

    /// <summary>Starts a section; dispose the result to end it.</summary>
    public static Section Enter()
    {
        lock (Gate)
        {
            if (depth++ == 0)
            {
                try
                {
                    pausedHere = GC.TryStartNoGCRegion(BudgetBytes);
                }
                catch (InvalidOperationException)
                {
                    pausedHere = false; // someone else in the process holds a no-GC region: theirs protects this work too
                }
            }
        }
        return new Section(true);
    }

    private static void Leave()
    {
        lock (Gate)
        {
            if (--depth > 0 || !pausedHere) return;
            pausedHere = false;
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            else Interlocked.Increment(ref broken);
        }
    }

    /// <summary>One entered section; ending it twice is harmless.</summary>
    public struct Section(bool entered) : IDisposable
    {
        private bool entered = entered;

        public void Dispose()
        {
            if (!entered) return;
            entered = false;
            Leave();
        }
    }
}
