using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Reflection;

namespace Apig.Cert
{
    /// <summary>
    /// Writes the Verbose, Debug and Warning streams without ever prompting. PowerShell turns some preferences into
    /// Inquire behind the caller's back: -Debug makes Verbose and Warning Inquire (and, on Windows PowerShell, Debug
    /// too), and a caller may set $VerbosePreference = 'Inquire'. Inquire means a Continue/Halt prompt after every line,
    /// which breaks a non-interactive run ("PowerShell is in NonInteractive mode") after the work was done. The command
    /// runtime has the non-prompting write PowerShell uses for its own messages; where it is missing, a line whose
    /// preference is Inquire goes to the host display instead of the stream.
    /// </summary>
    internal static class StreamWriter
    {
        private const BindingFlags InstanceMembers = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

        private static readonly ConcurrentDictionary<(Type Runtime, string Method), MethodInfo?> s_writers =
            new ConcurrentDictionary<(Type Runtime, string Method), MethodInfo?>();

        public static void Verbose(PSCmdlet cmdlet, string text)
        {
            if (!TryWriteWithoutInquire(cmdlet, "WriteVerbose", new VerboseRecord(text)))
            {
                if (Effective(cmdlet, "Verbose") == ActionPreference.Inquire)
                {
                    cmdlet.Host?.UI.WriteVerboseLine(text);
                }
                else
                {
                    cmdlet.WriteVerbose(text);
                }
            }
        }

        public static void Debug(PSCmdlet cmdlet, string text)
        {
            if (!TryWriteWithoutInquire(cmdlet, "WriteDebug", new DebugRecord(text)))
            {
                if (Effective(cmdlet, "Debug") == ActionPreference.Inquire)
                {
                    cmdlet.Host?.UI.WriteDebugLine(text);
                }
                else
                {
                    cmdlet.WriteDebug(text);
                }
            }
        }

        public static void Warning(PSCmdlet cmdlet, string text)
        {
            if (!TryWriteWithoutInquire(cmdlet, "WriteWarning", new WarningRecord(text)))
            {
                if (Effective(cmdlet, "Warning") == ActionPreference.Inquire)
                {
                    cmdlet.Host?.UI.WriteWarningLine(text);
                }
                else
                {
                    cmdlet.WriteWarning(text);
                }
            }
        }

        /// <summary>Progress has no non-prompting write: under an Inquire preference it is left out.</summary>
        public static void Progress(PSCmdlet cmdlet, ProgressRecord record)
        {
            if (Effective(cmdlet, "Progress") != ActionPreference.Inquire)
            {
                cmdlet.WriteProgress(record);
            }
        }

        /// <summary>
        /// The preference PowerShell applies to a stream of this command, by its documented rules: the command's own
        /// parameter first (-Verbose, -Debug, -WarningAction, -ProgressAction), then what -Debug implies for the other
        /// streams, then the caller's preference variable.
        /// </summary>
        public static ActionPreference Effective(PSCmdlet cmdlet, string stream)
        {
            var bound = cmdlet.MyInvocation.BoundParameters;
            bool debugOn = bound.TryGetValue("Debug", out object? debug) && IsOn(debug);
            switch (stream)
            {
                case "Verbose":
                    if (bound.TryGetValue("Verbose", out object? verbose))
                    {
                        return IsOn(verbose) ? ActionPreference.Continue : ActionPreference.SilentlyContinue;
                    }

                    if (debugOn)
                    {
                        return ActionPreference.Inquire;
                    }

                    break;
                case "Debug":
                    if (bound.ContainsKey("Debug"))
                    {
                        return !debugOn ? ActionPreference.SilentlyContinue : IsWindowsPowerShell ? ActionPreference.Inquire : ActionPreference.Continue;
                    }

                    break;
                case "Warning":
                    if (bound.TryGetValue("WarningAction", out object? warningAction) && TryPreference(warningAction, out ActionPreference explicitWarning))
                    {
                        return explicitWarning;
                    }

                    if (bound.TryGetValue("Verbose", out object? verboseForWarning) && IsOn(verboseForWarning))
                    {
                        return ActionPreference.Continue;
                    }

                    if (debugOn)
                    {
                        return ActionPreference.Inquire;
                    }

                    break;
                case "Progress":
                    if (bound.TryGetValue("ProgressAction", out object? progressAction) && TryPreference(progressAction, out ActionPreference explicitProgress))
                    {
                        return explicitProgress;
                    }

                    break;
            }

            return TryPreference(cmdlet.SessionState.PSVariable.GetValue(stream + "Preference"), out ActionPreference value)
                ? value
                : ActionPreference.SilentlyContinue;
        }

        /// <summary>True when the stream's lines are shown or captured (not SilentlyContinue or Ignore).</summary>
        public static bool IsEnabled(PSCmdlet cmdlet, string stream)
        {
            ActionPreference preference = Effective(cmdlet, stream);
            return preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
        }

        // System.Management.Automation is 3.0.0.0 in Windows PowerShell 5.1, 7.x in PowerShell 7.
        private static bool IsWindowsPowerShell => typeof(PSObject).Assembly.GetName().Version.Major < 6;

        private static bool IsOn(object? value) => value is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(value);

        private static bool TryPreference(object? value, out ActionPreference preference)
        {
            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            return LanguagePrimitives.TryConvertTo(value, out preference);
        }

        private static bool TryWriteWithoutInquire(PSCmdlet cmdlet, string methodName, InformationalRecord record)
        {
            object? runtime = cmdlet.CommandRuntime;
            if (runtime is null)
            {
                return false;
            }

            MethodInfo? write = s_writers.GetOrAdd(
                (runtime.GetType(), methodName),
                key => key.Runtime.GetMethod(key.Method, InstanceMembers, null, new[] { record.GetType(), typeof(bool) }, null));
            if (write is null)
            {
                return false;
            }

            try
            {
                write.Invoke(runtime, new object[] { record, true });
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            }

            return true;
        }
    }
}
