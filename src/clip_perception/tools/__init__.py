"""Tools around the node, which start or feed it; the node never imports them.

rosbag2 recording and replay (:mod:`.bags`), scripted scene sequences
(:mod:`.scenario`), the demo (:mod:`.demo`) and the soak run (:mod:`.soak`); the help
formatter every console script's ``--help`` uses (:class:`DefaultsHelpFormatter`).
"""

import argparse
import copy
import re


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """``--help`` that says each option's default, as ``(default: 15.0)``.

    ``clip_perception_command --help`` named ``--timeout`` but not its 15 s, and
    ``clip_perception_soak --help`` listed ``--minutes`` with no word at all (google/
    vroom#31, roboreg/roboreg#57: argparse says no default unless told). Python's
    ``ArgumentDefaultsHelpFormatter`` adds it only to options with help text, and writes
    "(default: None)" for an option that is off unless given; this one gives every
    option with a default a line (0 included), and leaves out None, False, empty
    defaults and help that already says its default ("(default: the bundled model)").
    A description taken from a module docstring is shown without its reST markup.
    """

    @staticmethod
    def _says_default(action):
        """Whether ``action``'s help should get its default (0 is one; None is not)."""
        default, text = action.default, (action.help or '').lower()
        return bool(action.option_strings) and default is not argparse.SUPPRESS and \
            default is not None and default is not False and default not in ('', []) and \
            '(default' not in text and 'default:' not in text

    # reST roles and literals of the docstrings each tool's description is taken from
    # (``ros2``, :func:`x`): a terminal shows them as typed (helper-70's trial).
    _REST = re.compile(r':[a-z]+:`~?([^`]+)`|``([^`]+)``')

    def _format_text(self, text):
        return super()._format_text(self._REST.sub(lambda m: m.group(1) or m.group(2), text))

    def _format_action(self, action):
        if not action.help and self._says_default(action):
            action = copy.copy(action)
            action.help = 'default: %(default)s'
        return super()._format_action(action)

    def _get_help_string(self, action):
        text = action.help
        if self._says_default(action) and text:
            text += ' (default: %(default)s)'
        return text
