using CovidSeg.Pacs;

namespace CovidSeg.Tests.Pacs;

public class OrthancCredentialsTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static Func<string, string?> Env(string? user, string? password) =>
        name => name == OrthancCredentials.UserVariable ? user : name == OrthancCredentials.PasswordVariable ? password : null;

    [Fact]
    public void TheFileWinsOverTheEnvironmentAndItsPasswordMayHoldColons()
    {
        string file = folder.File("creds");
        File.WriteAllText(file, "\nalice:pa:ss\n");
        var c = OrthancCredentials.Resolve(file, Env("bob", "x"))!;
        Assert.Equal(("alice", "pa:ss"), (c.User, c.Password));
        Assert.Equal("alice:(hidden)", c.ToString());
    }

    [Fact]
    public void TheEnvironmentGivesBothOrNeither()
    {
        Assert.Null(OrthancCredentials.Resolve(null, Env(null, null)));
        var c = OrthancCredentials.Resolve(null, Env("bob", "pw"))!;
        Assert.Equal(("bob", "pw"), (c.User, c.Password));
        var e = Assert.Throws<CovidSegException>(() => OrthancCredentials.Resolve(null, Env("bob", null)));
        Assert.Equal("set both COVIDSEG_ORTHANC_USER and COVIDSEG_ORTHANC_PASSWORD, or neither", e.Message);
    }

    [Fact]
    public void AFileWithoutAColonIsNamed()
    {
        string file = folder.File("creds");
        File.WriteAllText(file, "alice\n");
        var e = Assert.Throws<InvalidInputException>(() => OrthancCredentials.Resolve(file, Env(null, null)));
        Assert.Equal($"{file}: credentials file must hold one line user:password", e.Message);
        Assert.Equal($"{folder.File("none")}: credentials file not found",
            Assert.Throws<InvalidInputException>(() => OrthancCredentials.Resolve(folder.File("none"), Env(null, null))).Message);
    }
}
