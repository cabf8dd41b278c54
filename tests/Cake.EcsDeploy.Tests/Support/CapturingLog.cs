using System.Collections.Concurrent;
using Cake.EcsDeploy.Reporting;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>Keeps every line written, for assertions on what a person would see.</summary>
public sealed class CapturingLog : IDeployLog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string Text => string.Join("\n", Lines);

    public void Information(string message) => Lines.Enqueue("INFO " + message);

    public void Warning(string message) => Lines.Enqueue("WARN " + message);

    public void Error(string message) => Lines.Enqueue("ERROR " + message);

    public void Verbose(string message) => Lines.Enqueue("VERBOSE " + message);
}
