// Where each regime's text lives. Clause numbers are cited only where the document itself numbers
// them; otherwise the document and the section title are named.
export const URL = {
  pci: 'https://www.pcisecuritystandards.org/document_library/?category=pcidss&document=pci_dss',
  soc2: 'https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022',
  gdpr: 'https://eur-lex.europa.eu/eli/reg/2016/679/oj',
  rbi: 'https://www.rbi.org.in/Scripts/NotificationUser.aspx?Id=11244',
  rbiFaq: 'https://www.rbi.org.in/Scripts/FAQView.aspx?Id=130',
  pmla: 'https://www.indiacode.nic.in/handle/123456789/2036',
  sebi: 'https://www.sebi.gov.in/legal/circulars/aug-2024/cybersecurity-and-cyber-resilience-framework-cscrf-for-sebi-regulated-entities-res-_85964.html',
  certIn: 'https://www.cert-in.org.in/PDF/CERT-In_Directions_70B_28.04.2022.pdf',
} as const;
