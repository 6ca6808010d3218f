package dev.padlock.cli;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code padlock} command. Every subcommand is one class; this class maps every failure to one line
 * on stderr and an exit code (see {@link ExitCodes}), in one place.
 */
@Command(
    name = "padlock",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand gets --help and --version
    versionProvider = PadlockCli.Version.class,
    description = {
        "A certificate authority and mutual-TLS toolkit.",
        "",
        "Create a CA with 'padlock init', issue and revoke certificates, publish CRLs,",
        "and secure services with mutual TLS. Commands that touch a CA take --dir DIR",
        "(default: $PADLOCK_HOME, else ~/.padlock)."
    },
    subcommands = {
        QuickstartCommand.class,
        InitCommand.class,
        IssueCommand.class,
        RevokeCommand.class,
        ListCommand.class,
        ShowCommand.class,
        CrlCommand.class,
        ExportChainCommand.class,
        AuditCommand.class,
        CompactCommand.class,
        ServeCommand.class,
        TokenCommand.class,
        EnrollCommand.class,
        RenewCommand.class,
        TunnelCommand.class,
        TestPkiCommand.class,
        TraceCommand.class,
        ProbeCommand.class,
        VerifyCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class PadlockCli implements Runnable {

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of failures (for bug reports).")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    // The store's H2 AUTO_SERVER listener (how a second padlock process reaches the database while
    // 'padlock serve' holds it) binds to loopback only. Our own JVM, so set before any database opens.
    System.setProperty("h2.bindAddress", "127.0.0.1");
    // Library log lines (reloads, refused handshakes) on one line each, with the time, on stderr.
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT%1$tz padlock %4$s: %5$s%6$s%n");
    System.exit(newCommandLine(CliContext.system()).execute(args));
  }

  /** The command line as tests and {@link #main} use it: the context is handed to every command. */
  public static CommandLine newCommandLine(CliContext context) {
    CommandLine cl = new CommandLine(new PadlockCli(), new ContextFactory(context));
    cl.setExecutionExceptionHandler(PadlockCli::handleFailure);
    cl.setParameterExceptionHandler(PadlockCli::handleUsageError);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpWidth(100);
    return cl;
  }

  private static int handleFailure(Exception e, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    int code;
    String message;
    if (e instanceof PadlockException pe) {
      code = exitCode(pe.code());
      message = pe.getMessage();
    } else if (e instanceof CliException ce) {
      code = ce.exitCode();
      message = ce.getMessage();
    } else {
      code = ExitCodes.INTERNAL;
      message = "internal error: " + e + " (rerun with --verbose for the stack trace)";
    }
    err.println("padlock: " + message);
    if (isVerbose(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("padlock: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
        + " --help')");
    err.flush();
    return ExitCodes.INVALID_INPUT;
  }

  static int exitCode(ErrorCode code) {
    return switch (code.kind()) {
      case INVALID_INPUT -> ExitCodes.INVALID_INPUT;
      case REFUSED -> ExitCodes.REFUSED;
      case INTERNAL -> ExitCodes.INTERNAL;
    };
  }

  private static boolean isVerbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Builds commands, handing a {@link CliContext} to those whose constructor takes one. */
  private static final class ContextFactory implements CommandLine.IFactory {
    private final CliContext context;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    ContextFactory(CliContext context) {
      this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
        c.setAccessible(true);
        return c.newInstance(context);
      } catch (NoSuchMethodException e) {
        return fallback.create(cls);
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = PadlockCli.class.getPackage().getImplementationVersion();
      return new String[] {"padlock " + (v == null ? "(development build)" : v)};
    }
  }
}
