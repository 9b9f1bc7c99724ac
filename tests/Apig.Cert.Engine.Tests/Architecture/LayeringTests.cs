using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace Apig.Cert.Engine.Tests.Architecture;

/// <summary>
/// The engine is a one-way stack: a folder may use only the folders below it. Checked on the source, so a newcomer's
/// `using` that would close a cycle fails here with the file and the forbidden layer named.
/// </summary>
public class LayeringTests
{
    /// <summary>Below every layer (hex, reading a SecureString): any folder may use it, and it uses none.</summary>
    private const string Primitives = "Primitives";

    private static readonly Dictionary<string, string[]> s_mayUse = new(StringComparer.Ordinal)
    {
        [Primitives] = Array.Empty<string>(),
        ["Diagnostics"] = Array.Empty<string>(),
        ["Http"] = new[] { "Diagnostics" },
        ["Auth"] = new[] { "Diagnostics", "Http" },
        ["Api"] = new[] { "Diagnostics", "Http" },
        ["Certificates"] = new[] { "Diagnostics" },
        ["Operations"] = new[] { "Diagnostics", "Http", "Api", "Certificates", "Probing" },
        ["Connection"] = new[] { "Diagnostics", "Http", "Auth", "Api" },
        // The TLS client of Test-ApigDomainCertificate: sockets and certificates, no API.
        ["Probing"] = new[] { "Diagnostics", "Certificates" },
    };

    private static readonly Regex s_engineReference = new(@"\bApig\.Cert\.Engine\.(?<layer>[A-Z][A-Za-z]*)\b", RegexOptions.Compiled);

    [Fact]
    public void Every_engine_folder_is_a_known_layer()
    {
        string[] folders = Directory.GetDirectories(EngineSource()).Select(Path.GetFileName)
            .Where(name => name != "bin" && name != "obj").ToArray()!;
        Assert.Empty(folders.Except(s_mayUse.Keys));
        Assert.Empty(Directory.GetFiles(EngineSource(), "*.cs"));
    }

    [Fact]
    public void Each_file_declares_the_namespace_of_its_layer()
    {
        var wrong = SourceFiles()
            .Where(file => !Regex.IsMatch(File.ReadAllText(file.Path), @"^namespace Apig\.Cert\.Engine\." + file.Layer + @"\s*$", RegexOptions.Multiline))
            .Select(file => file.Relative)
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void No_layer_uses_a_layer_above_it()
    {
        var violations = new List<string>();
        foreach (var file in SourceFiles())
        {
            foreach (Match match in s_engineReference.Matches(WithoutComments(File.ReadAllText(file.Path))))
            {
                string used = match.Groups["layer"].Value;
                if (used != file.Layer && used != Primitives && s_mayUse.ContainsKey(used) && !s_mayUse[file.Layer].Contains(used))
                {
                    violations.Add(file.Relative + " uses " + used);
                }
            }
        }

        Assert.Empty(violations.Distinct());
    }

    /// <summary>
    /// The cmdlet layer is parameters, prompts and one engine call: it reaches the engine through the use-cases
    /// (Operations), the connection, the log and the certificate input, and names a domain with Api's DomainRef. Never
    /// the transport or the signers, and never a wire body: those change with the API, the cmdlets must not.
    /// </summary>
    [Fact]
    public void The_cmdlet_layer_uses_no_transport_signer_or_wire_type()
    {
        string[] wireTypes = Directory.GetFiles(Path.Combine(EngineSource(), "Api", "Wire"), "*.cs")
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), @"\b(?:class|struct|enum)\s+(?<name>[A-Z]\w*)").Select(m => m.Groups["name"].Value))
            .Distinct()
            .ToArray();
        Assert.Contains("SslInfo", wireTypes);
        // Of the API layer itself, only the name of a domain, the id rules and the client as a handle to pass on.
        string[] apiTypesNotForCmdlets = Directory.GetFiles(Path.Combine(EngineSource(), "Api"), "*.cs")
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), @"\bpublic\s+(?:sealed\s+|static\s+|abstract\s+)*(?:class|struct|enum|interface)\s+(?<name>[A-Z]\w*)")
                .Select(m => m.Groups["name"].Value))
            .Except(new[] { "DomainRef", "ApigIds", "ApigClient" })
            .ToArray();
        Assert.Contains("PageCursor", apiTypesNotForCmdlets);

        var violations = new List<string>();
        foreach (string path in Directory.GetFiles(CmdletSource(), "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(CmdletSource(), path).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            string source = WithoutComments(File.ReadAllText(path));
            foreach (Match match in s_engineReference.Matches(source))
            {
                string used = match.Groups["layer"].Value;
                // Error records turn the transport's errors into advice: the one place that reads Http's error types.
                bool allowed = s_cmdletMayUse.Contains(used) || (used == "Http" && relative == "Output/ErrorRecords.cs");
                if (!allowed) violations.Add(relative + " uses " + used);
            }

            foreach (string wire in wireTypes.Where(name => Regex.IsMatch(source, @"\b" + name + @"\b")))
            {
                violations.Add(relative + " uses the wire type " + wire);
            }

            foreach (string apiType in apiTypesNotForCmdlets.Where(name => Regex.IsMatch(source, @"\b" + name + @"\b")))
            {
                violations.Add(relative + " uses " + apiType + " of the API layer");
            }
        }

        Assert.Empty(violations.Distinct());
    }

    private static readonly string[] s_cmdletMayUse = { "Operations", "Connection", "Diagnostics", "Certificates", "Api" };

    private static string CmdletSource([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "src", "Apig.Cert"));

    private static string WithoutComments(string source) => Regex.Replace(source, @"//[^\n]*", string.Empty);

    private static IEnumerable<(string Path, string Relative, string Layer)> SourceFiles()
    {
        string root = EngineSource();
        foreach (string path in Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            yield return (path, relative, relative.Split('/')[0]);
        }
    }

    private static string EngineSource([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "src", "Apig.Cert.Engine"));
}
