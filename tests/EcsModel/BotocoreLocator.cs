using System.ComponentModel;
using System.Diagnostics;

namespace EcsModel;

/// <summary>Finds the ECS model files of the installed botocore.</summary>
internal static class BotocoreLocator
{
    internal const string EnvironmentVariable = "BOTOCORE_ECS_MODEL";
    internal const string ApiVersion = "2014-11-13";

    private const string PythonScript = "import botocore,os;print(os.path.dirname(botocore.__file__))";

    private static readonly Lazy<string?> BotocoreDirectory = new(AskPython);

    /// <summary>Returns the path of <c>service-2.json(.gz)</c>, or throws a clear exception saying how to install botocore.</summary>
    internal static string FindServiceModel()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var resolved = ResolveModelFile(fromEnvironment);
            return resolved ?? throw new InvalidOperationException(
                $"{EnvironmentVariable} is set to '{fromEnvironment}', but no service-2.json or service-2.json.gz exists there.");
        }

        var botocore = BotocoreDirectory.Value;
        if (botocore is not null)
        {
            var ecsData = Path.Combine(botocore, "data", "ecs");
            var preferred = ResolveModelFile(Path.Combine(ecsData, ApiVersion));
            if (preferred is not null)
            {
                return preferred;
            }

            if (Directory.Exists(ecsData))
            {
                foreach (var versionDir in Directory.GetDirectories(ecsData).OrderDescending(StringComparer.Ordinal))
                {
                    var candidate = ResolveModelFile(versionDir);
                    if (candidate is not null)
                    {
                        return candidate;
                    }
                }
            }

            throw new InvalidOperationException(
                $"botocore was found at '{botocore}' but it has no ECS model under data/ecs. " + InstallHint);
        }

        throw new InvalidOperationException("Could not locate botocore's ECS service model. " + InstallHint);
    }

    private const string InstallHint =
        "Install botocore for the python3 on PATH (`pip install botocore`, or `pip install awscli`, which brings it), " +
        "or set the environment variable " + EnvironmentVariable +
        " to the path of botocore/data/ecs/" + ApiVersion + "/service-2.json.gz (or service-2.json).";

    /// <summary>Accepts a model file or a directory holding one.</summary>
    internal static string? ResolveModelFile(string path)
    {
        if (File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        if (Directory.Exists(path))
        {
            foreach (var name in new[] { "service-2.json.gz", "service-2.json" })
            {
                var file = Path.Combine(path, name);
                if (File.Exists(file))
                {
                    return Path.GetFullPath(file);
                }
            }
        }

        return null;
    }

    private static string? AskPython()
    {
        foreach (var python in new[] { "python3", "python" })
        {
            try
            {
                var startInfo = new ProcessStartInfo(python)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    CreateNoWindow = true,
                };
                startInfo.ArgumentList.Add("-c");
                startInfo.ArgumentList.Add(PythonScript);
                using var process = Process.Start(startInfo);
                if (process is null)
                {
                    continue;
                }

                var stdoutTask = process.StandardOutput.ReadToEndAsync();
                var stderrTask = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
                {
                    try
                    {
                        process.Kill();
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    continue;
                }

                var output = stdoutTask.GetAwaiter().GetResult().Trim();
                _ = stderrTask.GetAwaiter().GetResult();
                if (process.ExitCode == 0 && output.Length > 0 && Directory.Exists(output))
                {
                    return output;
                }
            }
            catch (Win32Exception)
            {
                // interpreter not on PATH; try the next one
            }
        }

        return null;
    }
}
