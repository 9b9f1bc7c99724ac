using System;
using System.IO;
using System.Net;
using System.Reflection;

namespace Apig.Cert.Loader
{
    /// <summary>
    /// The decisions of the Windows PowerShell (.NET Framework) import path, as pure functions: they can only be
    /// executed there, so they are kept free of PowerShell and of side effects to be unit-tested anywhere.
    /// </summary>
    internal static class NetFrameworkLoading
    {
        // Not a named member of SecurityProtocolType in the netstandard2.0 reference, but the value .NET Framework uses.
        internal const SecurityProtocolType Tls13 = (SecurityProtocolType)12288;

        /// <summary>
        /// TLS 1.2 (and 1.3 when <paramref name="includeTls13"/>) added to <paramref name="current"/> with a bitwise OR:
        /// every protocol the admin or another module enabled stays enabled. SystemDefault (0) becomes TLS 1.2 and 1.3:
        /// on an unpatched or unconfigured Windows the "system default" of .NET Framework can still mean TLS 1.0, which
        /// APIG refuses, and Automation sandboxes are not ours to configure.
        /// </summary>
        public static SecurityProtocolType AddModernTls(SecurityProtocolType current, bool includeTls13 = true) =>
            current | SecurityProtocolType.Tls12 | (includeTls13 ? Tls13 : 0);

        /// <summary>
        /// The file in <paramref name="dependencyDirectory"/> that serves a requested assembly, by simple name whatever
        /// version was asked for (a module gets no binding redirects on .NET Framework); null when there is none, so the
        /// runtime goes on with its own failure. Loads nothing itself, so resolving can never call back into itself.
        /// </summary>
        public static string? DependencyPathFor(string? requestedAssemblyName, string dependencyDirectory)
        {
            if (string.IsNullOrEmpty(requestedAssemblyName)) return null;

            string? simpleName;
            try
            {
                simpleName = new AssemblyName(requestedAssemblyName).Name;
            }
            catch (Exception ex) when (ex is FileLoadException || ex is ArgumentException)
            {
                return null;
            }

            // A name is not a path: one that could climb out of Dependencies/ or name a rooted file is never served.
            if (string.IsNullOrEmpty(simpleName) || simpleName!.IndexOfAny(InvalidNameChars) >= 0 || simpleName.Contains("..")) return null;

            string path = Path.Combine(dependencyDirectory, simpleName + ".dll");
            return File.Exists(path) ? path : null;
        }

        private static readonly char[] InvalidNameChars = { '/', '\\', ':' };
    }
}
