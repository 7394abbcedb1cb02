namespace CovidSeg.Pacs;

/// <summary>
/// HTTP Basic credentials for Orthanc, read from the environment or a file so they never appear on a command line
/// (where <c>ps</c> shows them to every user) nor in a log: <see cref="ToString"/> hides the password.
/// </summary>
public sealed class OrthancCredentials
{
    public const string UserVariable = "COVIDSEG_ORTHANC_USER";
    public const string PasswordVariable = "COVIDSEG_ORTHANC_PASSWORD";

    public OrthancCredentials(string user, string password)
    {
        User = user;
        Password = password;
    }

    public string User { get; }
    public string Password { get; }

    /// <summary>
    /// The credentials file (one line <c>user:password</c>) when given, else the two environment variables, else none.
    /// A file that cannot be used, or only one of the two variables, is an error naming what is wrong.
    /// </summary>
    public static OrthancCredentials? Resolve(string? file, Func<string, string?> environment)
    {
        if (file is not null)
        {
            if (!File.Exists(file)) throw new InvalidInputException(file, "credentials file not found");
            string line = File.ReadLines(file).FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
            int colon = line.IndexOf(':');
            if (colon <= 0) throw new InvalidInputException(file, "credentials file must hold one line user:password");
            return new OrthancCredentials(line[..colon], line[(colon + 1)..]);
        }
        string? user = environment(UserVariable);
        string? password = environment(PasswordVariable);
        if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(password)) return null;
        if (string.IsNullOrEmpty(user) || password is null)
            throw new CovidSegException($"set both {UserVariable} and {PasswordVariable}, or neither");
        return new OrthancCredentials(user, password);
    }

    public override string ToString() => $"{User}:(hidden)";
}
