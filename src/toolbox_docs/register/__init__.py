"""The projectenregister: the projects (``projects``), its workbook on the share (``xlsx``), rebuilding it
from the share (``rebuild``), and the evaluation reminders with their mail (``reminders``, ``mail``)."""
