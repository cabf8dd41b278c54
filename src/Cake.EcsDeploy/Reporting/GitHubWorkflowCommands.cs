using System.Text;

namespace Cake.EcsDeploy.Reporting;

/// <summary>
/// GitHub Actions' workflow commands and output files, escaped as the runner expects: annotations
/// (<c>::error title=...::message</c>) and step outputs (<c>name=value</c>, or <c>name&lt;&lt;DELIMITER</c> for values with
/// line breaks).
/// </summary>
public static class GitHubWorkflowCommands
{
    /// <summary>Escapes a command's message: <c>%</c>, carriage return and line feed (so a message stays one command line).</summary>
    public static string EscapeData(string value) =>
        value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    /// <summary>Escapes a command property's value: as <see cref="EscapeData"/>, plus <c>:</c> and <c>,</c>, which end a property.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A").Replace(",", "%2C");

    /// <summary>
    /// An annotation line: <paramref name="level"/> is <c>error</c>, <c>warning</c> or <c>notice</c>. The runner only
    /// reads it when it starts a line of the step's output.
    /// </summary>
    public static string Annotation(string level, string? title, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(level);
        ArgumentNullException.ThrowIfNull(message);
        var properties = string.IsNullOrEmpty(title) ? "" : " title=" + EscapeProperty(title);
        return $"::{level}{properties}::{EscapeData(message)}";
    }

    /// <summary>
    /// One entry of the <c>GITHUB_OUTPUT</c> file, ending with a line break: <c>name=value</c>, or, when the value
    /// has a line break, <c>name&lt;&lt;DELIMITER</c>, the value, <c>DELIMITER</c> with a delimiter the value does not contain.
    /// </summary>
    public static string OutputEntry(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('=') || name.Contains('<') || name.Contains('\n') || name.Contains('\r'))
        {
            throw new ArgumentException($"'{name}' is not a valid output name.", nameof(name));
        }

        value ??= "";
        if (!value.Contains('\n') && !value.Contains('\r'))
        {
            return $"{name}={value}\n";
        }

        value = value.Replace("\r\n", "\n");
        string delimiter;
        do
        {
            delimiter = "ghadelimiter_" + Guid.NewGuid().ToString("N");
        }
        while (value.Contains(delimiter, StringComparison.Ordinal));

        return new StringBuilder().Append(name).Append("<<").Append(delimiter).Append('\n')
            .Append(value).Append('\n')
            .Append(delimiter).Append('\n')
            .ToString();
    }
}
