namespace CovidSeg.Tests.Viewer;

/// <summary>A fact that drives Debian's Chromium (package chromium, /usr/bin/chromium); skipped, naming it, when absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null)
            Skip = "needs Chromium: install Debian's chromium package (apt-get install chromium); .ci/run does when it can";
    }
}
