using Cake.Core.Diagnostics;
using Cake.EcsDeploy.Reporting;

namespace Cake.EcsDeploy.Tasks;

/// <summary>Writes deploy progress to Cake's log (so <c>--verbosity</c> applies).</summary>
public sealed class CakeDeployLog(ICakeLog log) : IDeployLog
{
    // Messages are passed as an argument, never as the format: they may contain braces (JSON, URLs).
    /// <inheritdoc />
    public void Information(string message) => log.Write(Verbosity.Normal, LogLevel.Information, "{0}", message);

    /// <inheritdoc />
    public void Warning(string message) => log.Write(Verbosity.Minimal, LogLevel.Warning, "{0}", message);

    /// <inheritdoc />
    public void Error(string message) => log.Write(Verbosity.Quiet, LogLevel.Error, "{0}", message);

    /// <inheritdoc />
    public void Verbose(string message) => log.Write(Verbosity.Verbose, LogLevel.Verbose, "{0}", message);
}
