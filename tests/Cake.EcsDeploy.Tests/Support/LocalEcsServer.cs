using System.Diagnostics;
using Xunit;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>
/// LocalEcs started as its own process on a free loopback port, with small simulated delays so tests stay fast.
/// Only HTTP connects it to the code under test.
/// </summary>
public sealed class LocalEcsServer : IAsyncLifetime
{
    private Process? _process;

    public string Url { get; private set; } = "";

    public AwsCli Cli => new(Url);

    public async Task InitializeAsync()
    {
        if (!File.Exists(RepositoryPaths.LocalEcsDll))
        {
            throw new InvalidOperationException($"LocalEcs is not built at {RepositoryPaths.LocalEcsDll}; build the solution first.");
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { RepositoryPaths.LocalEcsDll, "--port", "0", "--task-start-delay", "150ms", "--task-stop-delay", "100ms", "--tick", "25ms" })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException("LocalEcs exited before it was listening.");
            if (line.StartsWith("LocalEcs listening on ", StringComparison.Ordinal))
            {
                Url = line["LocalEcs listening on ".Length..].Trim().TrimEnd('/');
                break;
            }
        }

        // Keep draining its output so it never blocks on a full pipe.
        _ = _process.StandardOutput.ReadToEndAsync();
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }
}
