using System.Collections.Concurrent;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.EcsDeploy.Tasks;
using NSubstitute;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>
/// Cake's real engine, in process: the tasks are registered through <see cref="EcsDeployTasks.Register"/> exactly as
/// a build script does, and a target runs with the given arguments. Fast enough to run the whole task graph in
/// unit-test time; the script-runner tests cover the real `dotnet cake` host.
/// </summary>
public static class CakeHost
{
    public sealed record Run(bool Succeeded, Exception? Error, string Log, CakeReport? Report)
    {
        public string ErrorMessage => Error?.Message ?? "";

        /// <summary>The exit code the script runner would give (0 when the target succeeded).</summary>
        /// <remarks>Cake's engine wraps a task's exception in a report exception, as the script's RunTarget does.</remarks>
        public int ExitCode => Succeeded ? 0 : (Error as EcsDeployOutcomeException ?? Error?.InnerException as EcsDeployOutcomeException)?.ExitCode ?? 1;
    }

    /// <param name="configure">Adds a consumer's own tasks or actions around the library's, as a build script would.</param>
    /// <param name="verify">A team's own verification, passed to <see cref="EcsDeployTasks.Register"/>.</param>
    public static async Task<Run> RunTargetAsync(string target, IDictionary<string, string> arguments, Action<EcsDeployTaskBuilders>? configure = null,
        Func<ICakeContext, Cake.EcsDeploy.Verification.VerificationStage, Cake.EcsDeploy.Verification.VerificationResult>? verify = null)
    {
        var (context, log) = CreateContext(new Dictionary<string, string>(arguments) { ["target"] = target });
        var engine = new CakeEngine(new CakeDataService(), log);
        var builders = EcsDeployTasks.Register(engine.RegisterTask, verify: verify);
        configure?.Invoke(builders);
        try
        {
            var report = await engine.RunTargetAsync(context, new DefaultExecutionStrategy(log, Substitute.For<ICakeReportPrinter>()), new ExecutionSettings().SetTarget(target));
            return new Run(true, null, log.Text, report);
        }
        catch (Exception e)
        {
            return new Run(false, e, log.Text + "\n" + e.Message, null);
        }
    }

    /// <summary>A real Cake context (file system, environment, process runner) with the given arguments and a capturing log.</summary>
    public static (ICakeContext Context, CapturingCakeLog Log) CreateContext(IDictionary<string, string> arguments)
    {
        var log = new CapturingCakeLog();
        var fileSystem = new FileSystem();
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var globber = new Globber(fileSystem, environment);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var tools = new ToolLocator(environment, new ToolRepository(environment), new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        var context = new CakeContext(fileSystem, environment, globber, log, new Arguments(arguments),
            new ProcessRunner(fileSystem, environment, log, tools, configuration), new WindowsRegistry(), tools, new CakeDataService(), configuration,
            Substitute.For<IToolInstaller>(), Substitute.For<IServiceProvider>());
        return (context, log);
    }

    private sealed class Arguments(IDictionary<string, string> values) : ICakeArguments
    {
        public bool HasArgument(string name) => values.ContainsKey(name);

        public ICollection<string> GetArguments(string name) => values.TryGetValue(name, out var v) ? [v] : [];

        public IDictionary<string, ICollection<string>> GetArguments() =>
            values.ToDictionary(p => p.Key, p => (ICollection<string>)[p.Value]);
    }

    public sealed class CapturingCakeLog : ICakeLog
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public Verbosity Verbosity { get; set; } = Verbosity.Diagnostic;

        public string Text => string.Join("\n", _lines);

        public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args) =>
            _lines.Enqueue($"{level}: {(args.Length == 0 ? format : string.Format(format, args))}");
    }
}
