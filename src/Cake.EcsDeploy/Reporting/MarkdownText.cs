namespace Cake.EcsDeploy.Reporting;

/// <summary>Text from ECS, the load balancer or the user, made safe to put in GitHub-flavoured Markdown.</summary>
internal static class MarkdownText
{
    // Characters that would start emphasis, a link, HTML, a code span or strike-through, or end a table cell.
    private const string Special = "\\`*_[]<>|~";

    /// <summary>Plain text: Markdown's special characters backslash-escaped, line breaks kept as <c>&lt;br&gt;</c> (table-safe).</summary>
    public static string Escape(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text.Replace("\r\n", "\n").Replace('\r', '\n'))
        {
            if (c == '\n')
            {
                escaped.Append("<br>");
                continue;
            }

            if (Special.Contains(c))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>A code span that survives backticks and (in a table) pipes in the text.</summary>
    public static string Code(string text)
    {
        var oneLine = text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Replace("|", "\\|");
        var fence = oneLine.Contains('`') ? "``" : "`";
        var pad = oneLine.StartsWith('`') || oneLine.EndsWith('`') ? " " : "";
        return fence + pad + oneLine + pad + fence;
    }
}
