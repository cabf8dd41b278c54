using Cake.EcsDeploy.Reporting;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Reporting;

public class GitHubWorkflowCommandsTests
{
    [Fact]
    public void A_message_escapes_percent_and_line_breaks_so_the_command_stays_one_line()
    {
        GitHubWorkflowCommands.EscapeData("100% broken\r\nsee: a, b").ShouldBe("100%25 broken%0D%0Asee: a, b");
    }

    [Fact]
    public void A_property_also_escapes_colon_and_comma()
    {
        GitHubWorkflowCommands.EscapeProperty("api:2, 50%\n").ShouldBe("api%3A2%2C 50%25%0A");
    }

    [Fact]
    public void An_annotation_starts_with_its_level_and_escapes_title_and_message()
    {
        GitHubWorkflowCommands.Annotation("error", "Rolled back: api:1", "line one\nline two: 5%")
            .ShouldBe("::error title=Rolled back%3A api%3A1::line one%0Aline two: 5%25");
        GitHubWorkflowCommands.Annotation("warning", null, "careful").ShouldBe("::warning::careful");
    }

    [Fact]
    public void A_one_line_output_is_name_equals_value()
    {
        GitHubWorkflowCommands.OutputEntry("outcome", "rolled-back").ShouldBe("outcome=rolled-back\n");
        GitHubWorkflowCommands.OutputEntry("image", null).ShouldBe("image=\n");
    }

    [Fact]
    public void A_multiline_output_uses_a_heredoc_delimiter_not_found_in_the_value()
    {
        var entry = GitHubWorkflowCommands.OutputEntry("message", "first\r\nsecond\n");

        var lines = entry.Split('\n');
        lines[0].ShouldStartWith("message<<ghadelimiter_");
        var delimiter = lines[0]["message<<".Length..];
        lines.ShouldBe(["message<<" + delimiter, "first", "second", "", delimiter, ""]);
    }

    [Theory]
    [InlineData("a=b")]
    [InlineData("a<<b")]
    [InlineData("a\nb")]
    public void An_output_name_that_would_corrupt_the_file_is_refused(string name)
    {
        Should.Throw<ArgumentException>(() => GitHubWorkflowCommands.OutputEntry(name, "x"));
    }
}
