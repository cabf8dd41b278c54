using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>
/// moto's server (<c>python3 -m moto.server</c>), an AWS emulator written independently of this repository, on a free
/// loopback port: a second ECS to check the tasks against. It implements the task-definition and service APIs but
/// never finishes a deployment, so it is for the steps before DeployService. One process per test class.
/// </summary>
/// <remarks>
/// Started through <c>python3 -m moto.server</c> rather than the <c>moto_server</c> console script: killing that shim
/// leaves its Python child listening. On dispose the process is killed by its id, with its whole tree.
/// </remarks>
public sealed class MotoServer : IAsyncLifetime
{
    private const string InstallHint = "Install it with: pip install \"moto[server]\" (moto 5.x; the tests need python3 on PATH).";
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The AWS CLI pointed at the server.</summary>
    public AwsCli Cli => new(Url);

    /// <summary>The id of the Python process (for diagnostics).</summary>
    public int ProcessId => _process?.Id ?? 0;

    public async Task InitializeAsync()
    {
        // A free port can be taken by someone else between the probe and moto's bind; try again on a new one.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            StartProcess(port);
            Url = $"http://127.0.0.1:{port}";
            var failure = await WaitUntilAnsweringAsync();
            if (failure is null)
            {
                return;
            }

            Stop();
            if (attempt == 3 || !Output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(failure);
            }
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private void StartProcess(int port)
    {
        lock (_output)
        {
            _output.Clear();
        }

        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        // moto reads no AWS configuration, but keep the developer's out of it anyway.
        foreach (var (name, value) in AwsCli.Environment)
        {
            info.Environment[name] = value;
        }

        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start. " + InstallHint);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start python3 ({e.Message}); moto's server runs on it. {InstallHint}", e);
        }

        // moto logs every request; keep reading both pipes so it never blocks on a full one, and keep the text for errors.
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Enough for a start-up failure; requests later on are not interesting.
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>Polls <c>GET /moto-api/</c> until any HTTP answer comes; returns null, or why the server is not usable.</summary>
    private async Task<string?> WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                _process.WaitForExit(); // flush the output events
                var output = Output;
                var missing = output.Contains("No module named", StringComparison.Ordinal)
                    ? $"moto (or one of its server extras) is not installed for {await PythonDescriptionAsync()}.\n"
                    : "";
                return $"{missing}python3 -m moto.server exited with code {_process.ExitCode} before answering on {Url}. {InstallHint}\n{output}";
            }

            try
            {
                using var response = await http.GetAsync(Url + "/moto-api/");
                return null; // any status: it is listening and speaking HTTP
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        return $"python3 -m moto.server did not answer on {Url} within {StartupTimeout.TotalSeconds:0} s. {InstallHint}\n{Output}";
    }

    private static async Task<string> PythonDescriptionAsync()
    {
        try
        {
            var result = await ChildProcess.RunAsync("python3", ["-c", "import sys; print(sys.executable, sys.version.split()[0])"], timeout: TimeSpan.FromSeconds(20));
            return "python3 (" + result.StandardOutput.Trim() + ")";
        }
        catch (Exception)
        {
            return "python3";
        }
    }

    private void Stop()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        finally
        {
            process.Dispose();
        }
    }
}
