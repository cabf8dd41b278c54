using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.EcsDeploy.Tasks;
using NSubstitute;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Tasks;

/// <summary>Deploy progress goes through Cake's log, so --verbosity applies: quiet shows only what went wrong.</summary>
public class CakeDeployLogTests
{
    private static List<string> Written(Verbosity verbosity)
    {
        // Cake's console log writes a line in colored pieces; put the pieces back together.
        var console = Substitute.For<IConsole>();
        var text = new System.Text.StringBuilder();
        void Piece(NSubstitute.Core.CallInfo call, bool newline) =>
            text.Append(string.Format((string)call[0], (object[])call[1])).Append(newline ? "\n" : "");
        console.When(c => c.Write(Arg.Any<string>(), Arg.Any<object[]>())).Do(call => Piece(call, false));
        console.When(c => c.WriteLine(Arg.Any<string>(), Arg.Any<object[]>())).Do(call => Piece(call, true));
        console.When(c => c.WriteError(Arg.Any<string>(), Arg.Any<object[]>())).Do(call => Piece(call, false));
        console.When(c => c.WriteErrorLine(Arg.Any<string>(), Arg.Any<object[]>())).Do(call => Piece(call, true));
        var log = new CakeDeployLog(new CakeBuildLog(console, verbosity));

        log.Information("  [3.2s] running 1/2, pending 1, rollout IN_PROGRESS");
        log.Warning("  verify #2 -> 503");
        log.Error("ROLLBACK FAILED: {not a format}");
        log.Verbose("ECS request detail");
        return [.. text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Fact]
    public void Quiet_shows_only_errors()
    {
        var lines = Written(Verbosity.Quiet);

        lines.ShouldHaveSingleItem().ShouldContain("ROLLBACK FAILED: {not a format}");
    }

    [Fact]
    public void Normal_shows_progress_warnings_and_errors_but_not_detail()
    {
        var lines = Written(Verbosity.Normal);

        lines.Count.ShouldBe(3);
        string.Join("\n", lines).ShouldNotContain("ECS request detail");
    }

    [Fact]
    public void Minimal_drops_progress_but_keeps_warnings() =>
        string.Join("\n", Written(Verbosity.Minimal)).ShouldNotContain("running 1/2");
}
