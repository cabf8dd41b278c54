namespace Cake.EcsDeploy.Reporting;

/// <summary>
/// Where the deploy services write what a person watching the run should see. The Cake tasks adapt it to
/// Cake's log; tests capture it. Nothing written here may contain secrets (environment values, credentials).
/// </summary>
public interface IDeployLog
{
    /// <summary>Progress and results a person follows.</summary>
    void Information(string message);

    /// <summary>Something went wrong but the run goes on (a retried call, a failed probe).</summary>
    void Warning(string message);

    /// <summary>A failure that changes the outcome.</summary>
    void Error(string message);

    /// <summary>Detail for <c>--verbosity=diagnostic</c>-style troubleshooting.</summary>
    void Verbose(string message);
}

/// <summary>A log that discards everything; the default for library callers that do not care.</summary>
public sealed class NullDeployLog : IDeployLog
{
    /// <summary>The shared instance.</summary>
    public static readonly NullDeployLog Instance = new();

    /// <inheritdoc />
    public void Information(string message) { }

    /// <inheritdoc />
    public void Warning(string message) { }

    /// <inheritdoc />
    public void Error(string message) { }

    /// <inheritdoc />
    public void Verbose(string message) { }
}
